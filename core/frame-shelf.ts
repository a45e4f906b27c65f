import { copyFrameInto, createFrame, type Frame, type FrameHold } from './frame.js';

interface ShelfFrame extends Frame {
  readonly hold: FrameHold;
}

/**
 * Frames published to the outputs, one copy per tick shared by all of them. Each published frame is
 * reference-counted: the engine holds it while handing it out, an output that sends it later (an encoder
 * pipe, an NDI send on a native thread) retains it until done, and a frame nobody holds is reused. So the
 * frame loop copies each picture once however many outputs there are, and allocates only while outputs
 * hold more frames than ever before (at most one in flight and one waiting each).
 */
export class FrameShelf {
  private readonly free: ShelfFrame[] = [];
  private allocatedCount = 0;

  constructor(
    private readonly width: number,
    private readonly height: number,
  ) {}

  /** A held copy of `source` (held once, by the caller, who releases it after handing it out). */
  publish(source: Frame): Frame {
    const frame = this.free.pop() ?? this.allocate();
    copyFrameInto(source, frame);
    frame.hold.retain();
    return frame;
  }

  fits(frame: { width: number; height: number }): boolean {
    return frame.width === this.width && frame.height === this.height;
  }

  get allocated(): number {
    return this.allocatedCount;
  }

  private allocate(): ShelfFrame {
    this.allocatedCount++;
    const base = createFrame(this.width, this.height);
    let holders = 0;
    const free = this.free;
    const frame: ShelfFrame = {
      ...base,
      hold: {
        retain() {
          holders++;
        },
        release() {
          if (holders <= 0) return;
          holders--;
          if (holders === 0) free.push(frame);
        },
      },
    };
    return frame;
  }
}
