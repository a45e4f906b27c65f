import { describeError } from '../../core/errors.js';
import type { Frame } from '../../core/frame.js';
import type { Log } from '../../core/log.js';
import { loadNdiRuntime, NdiRuntimeMissing, type NdiRuntime } from '../../ndi/runtime.js';
import { NdiSender } from '../../ndi/sender.js';
import type { Output, OutputStats } from '../contract.js';
import { OutputLifecycle } from '../lifecycle.js';
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
  private readonly life: OutputLifecycle;
  private sender: NdiSender | null = null;
  private runtime: NdiRuntime | null = null;
  private sendErrors = 0;

  constructor(options: NdiOutputOptions) {
    this.options = options;
    this.id = options.id;
    this.life = new OutputLifecycle({ id: options.id, log: options.log, retryMinMs: 1000, retryMaxMs: 15_000 });
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
    this.life.starting();
    try {
      this.runtime = (this.options.runtime ?? loadNdiRuntime)();
    } catch (error) {
      // Without the runtime nothing will change until it is installed: no retries, one clear message.
      this.life.failed(error instanceof NdiRuntimeMissing ? error.message : `NDI runtime failed to load: ${describeError(error)}`);
      return Promise.resolve();
    }
    this.open();
    return Promise.resolve();
  }

  private open(): void {
    try {
      this.sender = new NdiSender(this.runtime!, this.options.name, { fps: this.options.fps, alpha: this.options.alpha, groups: this.options.groups });
      this.life.up();
      this.options.log.info({ ndiName: this.options.name, runtime: this.runtime!.path }, `NDI source "${this.options.name}" is on the air`);
    } catch (error) {
      this.life.reconnect(`NDI sender: ${describeError(error)}`, () => this.open());
    }
  }

  submit(frame: Frame): void {
    if (!this.life.running) {
      this.life.dropWhileDown();
      return;
    }
    this.frames.offer(frame);
  }

  private onSendError(error: unknown): void {
    this.sendErrors++;
    if (this.sendErrors === 1) this.options.log.error({ err: describeError(error) }, 'NDI send failed');
    this.life.noteError(describeError(error));
  }

  stats(): OutputStats {
    return this.life.stats(this.type, this.frames.sent, this.frames.dropped, {
      name: this.options.name,
      connections: this.sender?.connections() ?? 0,
      alpha: this.options.alpha,
      fps: this.options.fps,
      ...(this.runtime ? { runtime: this.runtime.path } : {}),
    });
  }

  async stop(): Promise<void> {
    this.life.stopped();
    const sender = this.sender;
    this.sender = null;
    this.frames.reset();
    await sender?.close();
  }
}
