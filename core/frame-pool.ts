import { createFrame, type Frame } from './frame.js';

/**
 * Reuses frame buffers by size so steady-state rendering allocates nothing.
 * Pipelines acquire their output frames at creation (or on a size change) and release them on dispose.
 */
export class FramePool {
  private readonly free = new Map<string, Frame[]>();
  private allocatedCount = 0;

  acquire(width: number, height: number): Frame {
    const list = this.free.get(key(width, height));
    const frame = list?.pop();
    if (frame) {
      frame.index = 0;
      frame.time = 0;
      return frame;
    }
    this.allocatedCount++;
    return createFrame(width, height);
  }

  release(frame: Frame): void {
    const k = key(frame.width, frame.height);
    let list = this.free.get(k);
    if (!list) {
      list = [];
      this.free.set(k, list);
    }
    if (!list.includes(frame)) list.push(frame);
  }

  /** Buffers waiting in the pool: equal to `allocated` once everyone who acquired has released. */
  get available(): number {
    let count = 0;
    for (const list of this.free.values()) count += list.length;
    return count;
  }

  /** How many buffers were ever allocated (stays flat in steady state). */
  get allocated(): number {
    return this.allocatedCount;
  }
}

function key(width: number, height: number): string {
  return `${width}x${height}`;
}
