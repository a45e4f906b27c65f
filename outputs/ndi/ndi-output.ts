import { Backoff } from '../../core/backoff.js';
import { describeError } from '../../core/errors.js';
import type { Frame } from '../../core/frame.js';
import type { Log } from '../../core/log.js';
import { loadNdiRuntime, NdiRuntimeMissing, type NdiRuntime } from '../../ndi/runtime.js';
import { NdiSender } from '../../ndi/sender.js';
import type { Output, OutputState, OutputStats } from '../contract.js';
import { LatestFrameSender } from '../latest-frame-sender.js';

export interface NdiOutputOptions {
  id: string;
  /** The source name receivers see (the runtime prefixes the machine name). */
  name: string;
  fps: number;
  alpha: boolean;
  groups: string | null;
  log: Log;
  /** For tests: the runtime to use (default: located and loaded once per process). */
  runtime?: () => NdiRuntime;
}

/**
 * An NDI source that TouchDesigner, Resolume or OBS pick up. The frame loop copies the frame into a
 * reused buffer (RGBA goes out as it is, no conversion); compression and sending run on a native thread.
 */
export class NdiOutput implements Output {
  readonly id: string;
  readonly type = 'ndi';
  readonly holdsFrames = true;
  private readonly options: NdiOutputOptions;
  private readonly frames: LatestFrameSender;
  private readonly backoff = new Backoff(1000, 15_000);
  private sender: NdiSender | null = null;
  private runtime: NdiRuntime | null = null;
  private state: OutputState = 'stopped';
  private lastError: string | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private droppedWhileDown = 0;
  private sendErrors = 0;

  constructor(options: NdiOutputOptions) {
    this.options = options;
    this.id = options.id;
    this.frames = new LatestFrameSender((copy) => {
      const sender = this.sender;
      if (!sender) {
        this.frames.done();
        return;
      }
      sender.send(copy, (error) => {
        if (error) this.onSendError(error);
        this.frames.done();
      });
    });
  }

  start(): Promise<void> {
    this.state = 'starting';
    try {
      this.runtime = (this.options.runtime ?? loadNdiRuntime)();
    } catch (error) {
      // Without the runtime nothing will change until it is installed: no retries, one clear message.
      this.lastError = error instanceof NdiRuntimeMissing ? error.message : `NDI runtime failed to load: ${describeError(error)}`;
      this.state = 'failed';
      this.options.log.error({}, this.lastError);
      return Promise.resolve();
    }
    this.open();
    return Promise.resolve();
  }

  private open(): void {
    try {
      this.sender = new NdiSender(this.runtime!, this.options.name, { fps: this.options.fps, alpha: this.options.alpha, groups: this.options.groups });
      this.state = 'running';
      this.lastError = null;
      this.backoff.reset();
      this.options.log.info({ ndiName: this.options.name, runtime: this.runtime!.path }, `NDI source "${this.options.name}" is on the air`);
    } catch (error) {
      this.lastError = describeError(error);
      this.state = 'reconnecting';
      const wait = this.backoff.next();
      this.options.log.warn({}, `NDI sender: ${this.lastError}; retrying in ${wait} ms`);
      this.retryTimer = setTimeout(() => this.open(), wait);
      this.retryTimer.unref();
    }
  }

  submit(frame: Frame): void {
    if (this.state !== 'running') {
      this.droppedWhileDown++;
      return;
    }
    this.frames.offer(frame);
  }

  private onSendError(error: unknown): void {
    this.sendErrors++;
    if (this.sendErrors === 1) this.options.log.error({ err: describeError(error) }, 'NDI send failed');
    this.lastError = describeError(error);
  }

  stats(): OutputStats {
    return {
      id: this.id,
      type: this.type,
      state: this.state,
      sent: this.frames.sent,
      dropped: this.frames.dropped + this.droppedWhileDown,
      lastError: this.lastError,
      detail: {
        name: this.options.name,
        connections: this.sender?.connections() ?? 0,
        alpha: this.options.alpha,
        fps: this.options.fps,
        ...(this.runtime ? { runtime: this.runtime.path } : {}),
      },
    };
  }

  async stop(): Promise<void> {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.state = 'stopped';
    const sender = this.sender;
    this.sender = null;
    this.frames.reset();
    await sender?.close();
  }
}
