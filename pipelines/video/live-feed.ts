import { Backoff } from '../../core/backoff.js';
import type { Log } from '../../core/log.js';
import { decodeCommand, type DecodeSetup, type VideoInput } from './video-input.js';
import { FrameReader, type DecodedFrame } from './frame-reader.js';

export const FeedStates = ['starting', 'playing', 'reconnecting', 'failed'] as const;
export type FeedState = (typeof FeedStates)[number];

/**
 * A camera, a stream, or a clip too long for memory (played forward at its own rate, looping): one
 * ffmpeg at a time, newest frame wins. An input that ends or drops is opened again with backoff
 * (1 s doubling to 10 s) while the deck holds its last frame; only a missing ffmpeg is final.
 */
export class LiveFeed {
  private reader: FrameReader | null = null;
  private readonly backoff = new Backoff(1000, 10_000);
  private retryTimer: NodeJS.Timeout | null = null;
  private stateValue: FeedState = 'starting';
  private error: string | null = null;
  private stopped = false;
  private decodedBefore = 0;
  private droppedBefore = 0;
  restarts = 0;

  constructor(
    private readonly input: VideoInput,
    private readonly setup: DecodeSetup,
    private readonly log: Log,
  ) {}

  get state(): FeedState {
    return this.stateValue;
  }

  get lastError(): string | null {
    return this.error;
  }

  get decoded(): number {
    return this.decodedBefore + (this.reader?.framesDecoded ?? 0);
  }

  get dropped(): number {
    return this.droppedBefore + (this.reader?.dropped ?? 0);
  }

  start(): void {
    if (this.stopped) return;
    // A clip that streams from disk plays at its own rate and loops; live inputs come as fast as they are made.
    const pace = this.input.kind === 'clip' ? ['-re', '-stream_loop', '-1'] : [];
    const reader = new FrameReader({ args: (out) => decodeCommand(this.input, this.setup, out, { input: pace }), ...this.setup.size });
    this.reader = reader;
    reader.start();
    void reader.done.then((end) => {
      if (this.reader !== reader || this.stopped) return;
      this.decodedBefore += reader.framesDecoded;
      this.droppedBefore += reader.dropped;
      this.reader = null;
      const why = end.kind === 'failed' ? end.message : `${this.input.label} ended`;
      if (end.kind === 'failed' && end.lasting) return this.fail(why);
      this.error = why;
      this.restarts++;
      const wait = this.backoff.next();
      this.move('reconnecting', `${why}; trying again in ${wait} ms`);
      this.retryTimer = setTimeout(() => this.start(), wait);
      this.retryTimer.unref();
    });
  }

  /** The newest frame since the last call, or null. */
  take(): DecodedFrame | null {
    const frame = this.reader?.take() ?? null;
    if (frame && this.stateValue !== 'playing') {
      this.backoff.reset();
      this.error = null;
      this.move('playing');
    }
    return frame;
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.reader?.stop();
    this.reader = null;
  }

  private fail(message: string): void {
    this.error = message;
    this.move('failed', message);
  }

  private move(state: FeedState, note?: string): void {
    if (state === this.stateValue && !note) return;
    this.stateValue = state;
    const line = `video ${this.input.label}: ${state}${note ? `: ${note}` : ''}`;
    if (state === 'failed') this.log.error(line);
    else if (state === 'reconnecting') this.log.warn(line);
    else this.log.info(line);
  }
}
