import type { Frame } from '../core/frame.js';
import { FrameShelf } from '../core/frame-shelf.js';

/**
 * The "one pending frame" rule for outputs whose sending takes time (an encoder pipe, a network send
 * on another thread). A frame handed in while the sender is idle is sent at once; while a send is in
 * flight, the newest frame waits and replaces (drops, counted) any older one. Frames the engine shares
 * (with a `hold`) are kept by reference, without a copy; others are copied into reused held frames.
 * Nothing is allocated per frame.
 */
export class LatestFrameSender {
  private inFlight: Frame | null = null;
  private pending: Frame | null = null;
  private copies: FrameShelf | null = null;
  private droppedCount = 0;
  private sentCount = 0;

  /** `send` starts sending and must call `done()` once the pixels may be reused (even on failure). */
  constructor(private readonly send: (frame: Frame) => void) {}

  offer(frame: Frame): void {
    const held = this.take(frame);
    if (!this.inFlight) {
      this.start(held);
      return;
    }
    if (this.pending) {
      this.pending.hold!.release();
      this.droppedCount++;
    }
    this.pending = held;
  }

  /** The send in flight is over: its frame is released and the waiting one (if any) goes next. */
  done(): void {
    const finished = this.inFlight;
    if (!finished) return;
    this.inFlight = null;
    finished.hold!.release();
    const next = this.pending;
    this.pending = null;
    if (next) this.start(next);
  }

  /**
   * The target went away: the waiting frame is dropped. The frame in flight stays held until its
   * `done()`, since a native thread or the pipe may still be reading it.
   */
  reset(): void {
    if (this.pending) {
      this.pending.hold!.release();
      this.droppedCount++;
      this.pending = null;
    }
  }

  get busy(): boolean {
    return this.inFlight !== null;
  }

  get sent(): number {
    return this.sentCount;
  }

  get dropped(): number {
    return this.droppedCount;
  }

  private start(frame: Frame): void {
    this.inFlight = frame;
    this.sentCount++;
    this.send(frame);
  }

  private take(frame: Frame): Frame {
    if (frame.hold) {
      frame.hold.retain();
      return frame;
    }
    if (!this.copies || !this.copies.fits(frame)) this.copies = new FrameShelf(frame.width, frame.height);
    return this.copies.publish(frame);
  }
}
