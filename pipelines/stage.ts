import type { ClockState } from '../core/clock.js';
import { describeError } from '../core/errors.js';
import { copyFrameInto, sameSize, type Frame } from '../core/frame.js';
import { crossfadeInto } from '../core/blend.js';
import { Backoff } from '../core/backoff.js';
import { OverrunGuard } from './overrun-guard.js';
import type { FramePool } from '../core/frame-pool.js';
import { RateMeter, RollingSamples } from '../core/rolling-stats.js';
import type { AnyParams, AnyPipelineDefinition, ExecutionMode, PipelineInstance, PipelineStatus } from './contract.js';

const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 30_000;

export interface StageStats {
  path: string;
  pipeline: string;
  execution: ExecutionMode;
  /** Time spent on the frame loop for this stage, last frame and p99 (ms). */
  ms: number;
  p99Ms: number;
  /** Errors thrown (or contract violations) so far; the stage is bypassed for each. */
  errors: number;
  lastError: string | null;
  /** Decoupled only: results per second, time from launch to result, inputs superseded while busy. */
  rate?: number;
  latencyMs?: number;
  skippedInputs?: number;
  busy?: boolean;
  /** Pipelines with a lifecycle (models): loading, loaded, error, with what is loaded. */
  status?: PipelineStatus;
  /** Inline only: passed through for overrunning the frame budget, until it is tried again. */
  bypassed?: boolean;
}

export interface StageErrorReport {
  path: string;
  pipeline: string;
  message: string;
  /** How many times this stage has failed so far. */
  count: number;
}

/**
 * Runs one pipeline instance on the frame loop with timing and error isolation.
 * An inline stage runs in the tick; when it throws, its input passes through (a source shows its
 * last good frame) and the error is counted and reported once per distinct message.
 * A decoupled stage runs beside the loop with latest-wins: while busy, newer inputs replace each
 * other and are counted as skipped; the loop always uses the newest finished result.
 */
export class Stage {
  readonly path: string;
  readonly definition: AnyPipelineDefinition;
  readonly execution: ExecutionMode;
  /** Live parameter values; the engine writes them between ticks. */
  readonly params: AnyParams;
  private readonly instance: PipelineInstance<AnyParams>;
  private readonly pool: FramePool;
  private readonly onError: (report: StageErrorReport) => void;
  private readonly timings = new RollingSamples(300);
  private readonly now: () => number;
  private errors = 0;
  private lastError: string | null = null;
  private lastGood: Frame | null = null;
  private blank: Frame | null = null;
  // Decoupled state.
  private busy = false;
  private inputCopy: Frame | null = null;
  private clockCopy: ClockState | null = null;
  private latestResult: Frame | null = null;
  private skippedInputs = 0;
  private readonly completions = new RateMeter(256);
  private readonly latencies = new RollingSamples(120);
  private disposed = false;
  // Stall and failure handling of decoupled runs: a token per launch (results of abandoned runs are
  // ignored), when the current run started, and when the next try may start.
  private runToken = 0;
  private launchedAt = 0;
  private retryAt = 0;
  private readonly backoff = new Backoff(RETRY_MIN_MS, RETRY_MAX_MS);
  private readonly stallTimeoutMs: number;
  private readonly overrun: OverrunGuard;
  // Crossfading between results (a decoupled pipeline's `betweenResults: 'crossfade'`): the last two
  // results in frames of the stage's own (the pipeline rewrites its frame on every run), when the newer
  // arrived, and how long the model takes between results.
  private readonly shown: [Frame | null, Frame | null] = [null, null];
  private newest = -1;
  private arrivedAt = 0;
  private resultInterval = 0;
  private blended: Frame | null = null;

  constructor(options: {
    path: string;
    definition: AnyPipelineDefinition;
    instance: PipelineInstance<AnyParams>;
    params: AnyParams;
    pool: FramePool;
    onError: (report: StageErrorReport) => void;
    now?: () => number;
    /** The frame period (ms): an inline stage that takes longer than all of it, again and again, is bypassed. */
    frameBudgetMs?: number;
  }) {
    this.path = options.path;
    this.definition = options.definition;
    this.execution = options.definition.execution ?? 'inline';
    this.instance = options.instance;
    this.params = options.params;
    this.pool = options.pool;
    this.onError = options.onError;
    this.now = options.now ?? (() => performance.now());
    this.stallTimeoutMs = options.definition.stallTimeoutMs ?? 5000;
    this.overrun = new OverrunGuard(options.frameBudgetMs ?? Infinity, this.now);
  }

  /** Returns the frame this stage contributes to this tick (never null for a source: black at worst). */
  run(input: Frame | null, clock: ClockState, size: { width: number; height: number }): Frame {
    const started = this.now();
    const result = this.execution === 'decoupled' ? this.runDecoupled(input, clock, size) : this.runInline(input, clock, size);
    this.timings.add(this.now() - started);
    return result;
  }

  private runInline(input: Frame | null, clock: ClockState, size: { width: number; height: number }): Frame {
    const started = this.now();
    if (this.overrun.skipping()) return input ?? this.lastGood ?? this.blankFrame(size);
    try {
      const result = this.instance.process(input, this.params, clock);
      const bypassed = this.overrun.note(this.now() - started);
      if (bypassed) this.recordError(new Error(bypassed));
      if (isPromiseLike(result)) {
        // Keep the rejected promise from becoming an unhandled rejection.
        Promise.resolve(result).catch(() => {});
        throw new Error(`returned a Promise from process(); declare execution: 'decoupled' for asynchronous pipelines`);
      }
      checkFrame(result, size);
      this.lastGood = result;
      return result;
    } catch (error) {
      this.recordError(error);
      return input ?? this.lastGood ?? this.blankFrame(size);
    }
  }

  private runDecoupled(input: Frame | null, clock: ClockState, size: { width: number; height: number }): Frame {
    const now = this.now();
    if (this.busy && now - this.launchedAt > this.stallTimeoutMs) {
      // Never go black: give up on this run, show the last good result (or the input), try again later.
      this.busy = false;
      this.runToken++;
      this.failed(new Error(`stalled: no result after ${this.stallTimeoutMs} ms; bypassed, retrying`));
    }
    if (this.busy || now < this.retryAt) {
      this.skippedInputs++;
    } else {
      this.launch(input, clock, size);
    }
    if (this.latestResult && this.params.betweenResults === 'crossfade') return this.crossfaded(now);
    return this.latestResult ?? input ?? this.blankFrame(size);
  }

  /** The older result fading into the newer over the time the model took to make it. */
  private crossfaded(now: number): Frame {
    const newer = this.shown[this.newest];
    const older = this.shown[1 - this.newest];
    if (!newer) return this.latestResult!;
    const progress = this.resultInterval > 0 ? (now - this.arrivedAt) / this.resultInterval : 1;
    if (!older || progress >= 1) return newer;
    if (!this.blended || !sameSize(this.blended, newer)) {
      if (this.blended) this.pool.release(this.blended);
      this.blended = this.pool.acquire(newer.width, newer.height);
    }
    crossfadeInto(older.data, newer.data, progress, this.blended.data);
    this.blended.index = newer.index;
    this.blended.time = newer.time;
    return this.blended;
  }

  private keepResult(result: Frame, done: number): void {
    if (this.params.betweenResults !== 'crossfade') return;
    const slot = this.newest < 0 ? 0 : 1 - this.newest;
    let frame = this.shown[slot];
    if (!frame || !sameSize(frame, result)) {
      if (frame) this.pool.release(frame);
      frame = this.shown[slot] = this.pool.acquire(result.width, result.height);
    }
    copyFrameInto(result, frame);
    if (this.newest >= 0) this.resultInterval = done - this.arrivedAt;
    this.newest = slot;
    this.arrivedAt = done;
  }

  /** A failed or stalled run: reported, and the next try waits (1 s, doubling to 30 s) so a broken model is not hammered. */
  private failed(error: unknown): void {
    this.recordError(error);
    this.retryAt = this.now() + this.backoff.next();
  }

  private launch(input: Frame | null, clock: ClockState, size: { width: number; height: number }): void {
    let ownInput: Frame | null = null;
    if (input) {
      if (!this.inputCopy || this.inputCopy.width !== input.width || this.inputCopy.height !== input.height) {
        if (this.inputCopy) this.pool.release(this.inputCopy);
        this.inputCopy = this.pool.acquire(input.width, input.height);
      }
      copyFrameInto(input, this.inputCopy);
      ownInput = this.inputCopy;
    }
    this.clockCopy = Object.assign(this.clockCopy ?? ({} as ClockState), clock);
    const launchedAt = this.now();
    const token = ++this.runToken;
    this.launchedAt = launchedAt;
    this.busy = true;
    let pending: Frame | Promise<Frame>;
    try {
      pending = this.instance.process(ownInput, this.params, this.clockCopy);
    } catch (error) {
      this.busy = false;
      this.failed(error);
      return;
    }
    Promise.resolve(pending).then(
      (result) => {
        if (token !== this.runToken || this.disposed) return; // an abandoned (stalled) run
        this.busy = false;
        try {
          checkFrame(result, size);
        } catch (error) {
          this.failed(error);
          return;
        }
        this.latestResult = result;
        this.backoff.reset();
        const done = this.now();
        this.keepResult(result, done);
        this.completions.mark(done);
        this.latencies.add(done - launchedAt);
      },
      (error: unknown) => {
        if (token !== this.runToken || this.disposed) return;
        this.busy = false;
        this.failed(error);
      },
    );
  }

  private recordError(error: unknown): void {
    this.errors++;
    const message = describeError(error);
    if (message !== this.lastError) {
      this.lastError = message;
      this.onError({ path: this.path, pipeline: this.definition.id, message, count: this.errors });
    }
  }

  private blankFrame(size: { width: number; height: number }): Frame {
    if (!this.blank || this.blank.width !== size.width || this.blank.height !== size.height) {
      this.blank = this.pool.acquire(size.width, size.height);
      this.blank.data.fill(0);
    }
    return this.blank;
  }

  stats(): StageStats {
    const stats: StageStats = {
      path: this.path,
      pipeline: this.definition.id,
      execution: this.execution,
      ms: round3(this.timings.last()),
      p99Ms: round3(this.timings.percentile(0.99)),
      errors: this.errors,
      lastError: this.lastError,
    };
    if (this.execution === 'inline' && this.overrun.bypassed) stats.bypassed = true;
    if (this.execution === 'decoupled') {
      stats.rate = round3(this.completions.rate(this.now()));
      stats.latencyMs = round3(this.latencies.last());
      stats.skippedInputs = this.skippedInputs;
      stats.busy = this.busy;
    }
    const status = this.instance.status?.();
    if (status) stats.status = status;
    return stats;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.inputCopy) this.pool.release(this.inputCopy);
    if (this.blank) this.pool.release(this.blank);
    for (const f of [...this.shown, this.blended]) if (f) this.pool.release(f);
    this.inputCopy = this.blank = this.blended = null;
    this.shown[0] = this.shown[1] = null;
    await this.instance.dispose();
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

function checkFrame(frame: Frame, size: { width: number; height: number }): void {
  if (!frame || !(frame.data instanceof Uint8Array)) throw new Error('process() did not return a frame');
  if (frame.width !== size.width || frame.height !== size.height || frame.data.length !== size.width * size.height * 4) {
    throw new Error(`process() returned a ${frame.width}x${frame.height} frame; the show is ${size.width}x${size.height}`);
  }
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
