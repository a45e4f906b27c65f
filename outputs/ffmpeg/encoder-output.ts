import { spawn, type ChildProcessByStdio } from 'node:child_process';
import os from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { createFramePipe, type FramePipe } from './frame-pipe.js';
import { OutputLifecycle } from '../lifecycle.js';
import { markInheritedFdsCloseOnExec } from '../../core/libc.js';
import { describeError } from '../../core/errors.js';
import type { Frame } from '../../core/frame.js';
import type { Log } from '../../core/log.js';
import type { Output, OutputStats } from '../contract.js';
import { LatestFrameSender } from '../latest-frame-sender.js';
import { encoderArgs, redactIn, type EncoderSettings, type EncoderTarget } from './ffmpeg-args.js';
import { RtmpRelay } from './rtmp-relay.js';
import { ProgressReader } from './progress.js';

export interface EncoderOutputOptions {
  id: string;
  type: string;
  settings: EncoderSettings;
  /** Called at every (re)start: a stream URL, or a new file so a restart never overwrites the last one. */
  target: () => EncoderTarget;
  log: Log;
  /** An rtmp(s) URL with a stream key: published through a relay in this process, so ffmpeg's command line never holds the key. */
  relayUrl?: string;
  /** The ffmpeg executable (default: `ffmpeg` on PATH, or VJ_HOST_FFMPEG). */
  ffmpeg?: string;
  /** How long ffmpeg may go without progress while frames arrive before it is restarted. */
  stallMs?: number;
  retryMinMs?: number;
  retryMaxMs?: number;
}

type Child = ChildProcessByStdio<Writable | null, Readable, Readable>;

const STOP_GRACE_MS = 4000;

/**
 * An ffmpeg child fed raw frames on stdin (RTMP streaming and recording share it). The frame loop only
 * copies a frame into a reused buffer; writing happens on libuv's side, and while a write is pending the
 * newest frame waits and older ones are dropped and counted. When ffmpeg exits on its own (the server went
 * away, the disk filled), it is started again with backoff; the rest of the show never notices.
 */
export class EncoderOutput implements Output {
  readonly id: string;
  readonly type: string;
  readonly holdsFrames = true;
  private readonly options: EncoderOutputOptions;
  private readonly sender: LatestFrameSender;
  private readonly life: OutputLifecycle;
  private readonly progress = new ProgressReader();
  private child: Child | null = null;
  private pipe: FramePipe | null = null;
  private target: EncoderTarget | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  private stopping: Promise<void> | null = null;
  private lastProgressAt = 0;
  private lastOfferAt = 0;
  private stderrTail = '';
  private startedAt = 0;
  private relay: RtmpRelay | null = null;

  constructor(options: EncoderOutputOptions) {
    this.options = options;
    this.id = options.id;
    this.type = options.type;
    this.life = new OutputLifecycle({
      id: options.id, log: options.log, retryMinMs: options.retryMinMs ?? 1000, retryMaxMs: options.retryMaxMs ?? 10_000,
      fields: () => {
        const where = this.target?.kind === 'stream' ? redactIn(this.target.url, this.target.url) : this.target?.path;
        return where ? { target: where } : {};
      },
    });
    this.sender = new LatestFrameSender((copy) => this.write(copy));
  }

  async start(): Promise<void> {
    this.stopping = null;
    // A stream URL carries its key: ffmpeg gets the relay's stand-in instead (see RtmpRelay).
    if (this.options.relayUrl) {
      this.relay = new RtmpRelay(this.options.relayUrl);
      await this.relay.listen();
    }
    this.spawn();
  }

  submit(frame: Frame): void {
    const { input } = this.options.settings;
    // While ffmpeg runs it gets frames, also when (re)connecting: it opens its output only once frames arrive.
    if (!this.child || frame.width !== input.width || frame.height !== input.height) {
      this.life.dropWhileDown();
      return;
    }
    this.lastOfferAt = Date.now();
    this.sender.offer(frame);
  }

  stats(): OutputStats {
    const target = this.target;
    const p = this.progress.latest;
    return this.life.stats(this.type, this.sender.sent, this.sender.dropped, {
      ...(target?.kind === 'stream' ? { url: redactIn(target.url, target.url) } : {}),
      ...(target?.kind === 'file' ? { file: target.path, container: target.container } : {}),
      width: this.options.settings.size?.width ?? this.options.settings.input.width,
      height: this.options.settings.size?.height ?? this.options.settings.input.height,
      fps: this.options.settings.outputFps ?? this.options.settings.fps,
      bitrateKbps: this.options.settings.bitrateKbps,
      encodedFrames: p.frame,
      encoderFps: p.fps,
      encoderSpeed: p.speed,
      restarts: this.life.restarts,
      ...(this.life.running ? { runningSeconds: Math.round((Date.now() - this.startedAt) / 100) / 10 } : {}),
    });
  }

  stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    this.life.stopped();
    this.clearWatchdog();
    const child = this.child;
    const pipe = this.pipe;
    this.child = null;
    this.pipe = null;
    this.sender.reset();
    const relay = this.relay;
    this.relay = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      pipe?.dispose();
      return (this.stopping = relay ? relay.close() : Promise.resolve());
    }
    this.stopping = new Promise<void>((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      child.once('exit', () => {
        clearTimeout(kill);
        pipe?.dispose();
        void (relay ? relay.close() : Promise.resolve()).then(resolve);
      });
      // End of input lets ffmpeg finish the file (or the stream) properly.
      pipe?.end();
    });
    return this.stopping;
  }

  private spawn(): void {
    this.clearWatchdog();
    this.life.starting();
    try {
      this.target = this.options.target();
    } catch (error) {
      this.fail(`cannot prepare the ${this.type} target: ${describeError(error)}`);
      return;
    }
    this.progress.reset();
    this.stderrTail = '';
    const ffmpeg = this.options.ffmpeg ?? process.env.VJ_HOST_FFMPEG ?? 'ffmpeg';
    markInheritedFdsCloseOnExec();
    const pipe = createFramePipe();
    let child: Child;
    try {
      const given: EncoderTarget = this.relay ? { kind: 'stream', url: this.relay.localUrl } : this.target;
      child = spawn(ffmpeg, encoderArgs(this.options.settings, given, pipe.input), { stdio: [pipe.usesStdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] }) as Child;
    } catch (error) {
      pipe.dispose();
      this.onSpawnError(ffmpeg, error);
      return;
    }
    this.child = child;
    this.pipe = pipe;
    lowerPriority(child.pid);
    child.on('error', (error) => {
      if (this.child !== child) return;
      pipe.dispose();
      this.pipe = null;
      this.onSpawnError(ffmpeg, error);
    });
    if (child.pid !== undefined) pipe.attach(child.stdin);
    child.stdout.on('data', (chunk: Buffer) => {
      if (this.child !== child) return;
      if (this.progress.feed(chunk.toString()) && this.progress.latest.frame > 0) {
        this.lastProgressAt = Date.now();
        if (!this.life.running) this.onRunning();
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-2000);
    });
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = null;
      this.pipe = null;
      pipe.dispose();
      this.sender.reset();
      const reason = this.lastStderrLine() ?? `ffmpeg exited (${signal ?? `code ${code}`})`;
      this.scheduleRestart(reason);
    });
    this.lastProgressAt = Date.now();
    this.watchdog = setInterval(() => this.checkStall(), 1000);
    this.watchdog.unref();
  }

  private onRunning(): void {
    this.startedAt = Date.now();
    this.life.up();
  }

  private onSpawnError(ffmpeg: string, error: unknown): void {
    this.child = null;
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT'
        ? `ffmpeg not found: "${ffmpeg}" is not on PATH (install ffmpeg, e.g. apt-get install ffmpeg, or set VJ_HOST_FFMPEG)`
        : `cannot start ffmpeg: ${describeError(error)}`;
    this.fail(message);
  }

  private fail(message: string): void {
    this.clearWatchdog();
    this.life.failed(message);
  }

  private scheduleRestart(reason: string): void {
    this.clearWatchdog();
    if (this.life.state === 'stopped' || this.life.state === 'failed') return;
    this.life.reconnect(reason, () => this.spawn());
  }

  private checkStall(): void {
    const child = this.child;
    if (!child) return;
    const stallMs = this.options.stallMs ?? 10_000;
    const now = Date.now();
    // Frames keep arriving but ffmpeg makes no progress: a hung connection. Restarting is the way out.
    if (now - this.lastProgressAt > stallMs && now - this.lastOfferAt < 2000) {
      this.stderrTail += `\nno progress for ${Math.round((now - this.lastProgressAt) / 1000)} s`;
      child.kill('SIGKILL');
    }
  }

  private write(frame: Frame): void {
    const pipe = this.pipe;
    if (!pipe) {
      this.sender.done();
      return;
    }
    // done() always runs: the frame in flight must go back to the shelf even when ffmpeg is gone.
    pipe.write(frame.data, () => this.sender.done());
  }

  private lastStderrLine(): string | null {
    const lines = this.stderrTail.split('\n').map((l) => l.trim()).filter(Boolean);
    // ffmpeg only ever talked to the relay: what the real server said is the relay's to tell.
    if (this.relay?.lastError) return this.relay.lastError;
    const last = lines.at(-1);
    if (!last) return null;
    return this.target?.kind === 'stream' ? redactIn(last, this.target.url) : last;
  }

  private clearWatchdog(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
  }
}

/**
 * Encoders yield to the frame loop: under overload a stream or recording drops a frame (counted, and
 * filled by ffmpeg's constant-rate output) rather than the live output stuttering.
 */
function lowerPriority(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    os.setPriority(pid, Math.min(19, os.getPriority() + 5));
  } catch {
    // not permitted here: it runs at the host's priority
  }
}
