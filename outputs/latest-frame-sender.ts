import type { Frame } from '../core/frame.js';

export interface FrameCopy {
  data: Uint8Array;
  width: number;
  height: number;
  index: number;
  time: number;
}

/**
 * The "one pending frame" rule for outputs whose sending takes time (an encoder pipe, a network send
 * on another thread). A frame handed in while the sender is idle is copied and sent at once; while a
 * send is in flight, the newest frame waits in a second buffer and replaces (drops, counted) any older
 * one. Two buffers, reused: the one in flight is never written, nothing is allocated per frame.
 */
export class LatestFrameSender {
  private readonly buffers: [FrameCopy | null, FrameCopy | null] = [null, null];
  private inFlight = -1;
  private pending = -1;
  private droppedCount = 0;
  private sentCount = 0;

  /** `send` starts sending `copy` and must call `done()` once the buffer may be reused (even on failure). */
  constructor(private readonly send: (copy: FrameCopy) => void) {}

  offer(frame: Frame): void {
    if (this.inFlight < 0) {
      const slot = this.pending >= 0 ? this.pending : 0;
      if (this.pending >= 0) this.droppedCount++;
      this.pending = -1;
      this.start(this.fill(slot, frame));
      return;
    }
    if (this.pending >= 0) this.droppedCount++;
    this.pending = 1 - this.inFlight;
    this.fill(this.pending, frame);
  }

  /** The send in flight is over: the waiting frame (if any) goes next. */
  done(): void {
    if (this.inFlight < 0) return;
    this.inFlight = -1;
    if (this.pending >= 0) {
      const slot = this.pending;
      this.pending = -1;
      this.start(slot);
    }
  }

  /** Forgets the frame in flight and the waiting one (the target went away); a waiting frame counts as dropped. */
  reset(): void {
    if (this.pending >= 0) this.droppedCount++;
    this.inFlight = this.pending = -1;
  }

  get busy(): boolean {
    return this.inFlight >= 0;
  }

  get sent(): number {
    return this.sentCount;
  }

  get dropped(): number {
    return this.droppedCount;
  }

  private start(slot: number): void {
    this.inFlight = slot;
    this.sentCount++;
    this.send(this.buffers[slot]!);
  }

  private fill(slot: number, frame: Frame): number {
    let copy = this.buffers[slot];
    if (!copy || copy.data.byteLength !== frame.data.byteLength) {
      copy = { data: new Uint8Array(frame.data.byteLength), width: 0, height: 0, index: 0, time: 0 };
      this.buffers[slot] = copy;
    }
    copy.data.set(frame.data);
    copy.width = frame.width;
    copy.height = frame.height;
    copy.index = frame.index;
    copy.time = frame.time;
    return slot;
  }
}
