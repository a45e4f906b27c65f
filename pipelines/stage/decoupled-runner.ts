import type { ClockState } from '../../core/clock.js';
import { copyFrameInto, sameSize, type Frame } from '../../core/frame.js';
import type { FramePool } from '../../core/frame-pool.js';
import { Backoff } from '../../core/backoff.js';
import { crossfadeInto } from '../../core/blend.js';
import { RateMeter, RollingSamples } from '../../core/rolling-stats.js';
import type { AnyParams, PipelineInstance } from '../contract.js';
import { checkFrame, round3, type Size, type StageHooks, type StageRunner } from './runner.js';
import type { StageStats } from './stage-stats.js';

const RETRY_MIN_MS = 1000;
/** Each new delay sample moves the smoothed delay this far towards it. */
const DELAY_SMOOTHING = 0.25;
const RETRY_MAX_MS = 30_000;

/**
 * Runs the pipeline beside the frame loop with latest-wins: while it is busy, newer inputs replace each
 * other and are counted as skipped; the loop always uses the newest finished result. A pipeline that asks
 * for its next input while a run is in flight (`wantsNextInput`: a model whose run ends before the next
 * tick) gets it then, so its next run starts the moment the last ends. A run that stalls is abandoned,
 * and a failing pipeline is retried with backoff, so the picture never goes black.
 */
export class DecoupledRunner implements StageRunner {
  /** Runs launched and not settled, oldest first: when each started, and which input copy it reads. */
  private readonly inFlight: { launchedAt: number; copy: 0 | 1 }[] = [];
  private disposed = false;
  /** The stage's own copies of its inputs: the second only for a run launched while another is in flight. */
  private readonly inputCopies: [Frame | null, Frame | null] = [null, null];
  private readonly clockCopies: [ClockState | null, ClockState | null] = [null, null];
  private latestResult: Frame | null = null;
  private skippedInputs = 0;
  private readonly completions = new RateMeter(256);
  private readonly latencies = new RollingSamples(120);
  // Runs of an older generation (abandoned as stalled) are ignored when they settle; the show time the
  // last run was launched at, and when the next try may start.
  private generation = 0;
  private launched = false;
  private launchedShowTime = 0;
  /** The newest result's run started at this show time; `shownYet`: the output has had it. */
  private resultShowTime = 0;
  private shownYet = true;
  private delay = 0;
  private retryAt = 0;
  private readonly backoff = new Backoff(RETRY_MIN_MS, RETRY_MAX_MS);
  private readonly results: ResultCrossfade;

  constructor(
    private readonly instance: PipelineInstance<AnyParams>,
    private readonly params: AnyParams,
    private readonly pool: FramePool,
    private readonly hooks: StageHooks,
    private readonly stallTimeoutMs: number,
  ) {
    this.results = new ResultCrossfade(pool);
  }

  run(input: Frame | null, clock: ClockState, size: Size): Frame | null {
    const now = this.hooks.now();
    const oldest = this.inFlight[0];
    if (oldest && now - oldest.launchedAt > this.stallTimeoutMs) {
      // Never go black: give up on the runs in flight, show the last good result (or the input), try again later.
      this.inFlight.length = 0;
      this.generation++;
      this.failed(new Error(`stalled: no result after ${this.stallTimeoutMs} ms; bypassed, retrying`));
    }
    if (!this.shownYet) {
      // This tick shows a result for the first time: from its run's start to here is the stage's delay.
      this.shownYet = true;
      const sample = clock.time - this.resultShowTime;
      this.delay = this.delay > 0 ? this.delay + (sample - this.delay) * DELAY_SMOOTHING : sample;
    }
    if (!this.ready() || now < this.retryAt || this.paced(clock)) this.skippedInputs++;
    else this.launch(input, clock, size);
    if (this.latestResult && this.params.betweenResults === 'crossfade') return this.results.at(now) ?? this.latestResult;
    return this.latestResult;
  }

  /** Free for an input: nothing in flight, or one run the pipeline wants its next input behind. */
  private ready(): boolean {
    if (this.inFlight.length === 0) return true;
    return this.inFlight.length === 1 && this.instance.wantsNextInput?.() === true;
  }

  /**
   * A pipeline with a `targetFps` parameter runs no more often than that (the rest of the machine is the
   * show's); a run may start half a frame early, so a rate the frame rate divides is met exactly.
   */
  private paced(clock: ClockState): boolean {
    const target = Number(this.params.targetFps);
    if (!(target > 0) || !this.launched) return false;
    // On the show's clock (the manual driver's in tests), as the rate is meant.
    return clock.time + clock.dt / 2 < this.launchedShowTime + 1 / target;
  }

  delaySeconds(): number {
    return this.delay;
  }

  describe(stats: StageStats): void {
    stats.rate = round3(this.completions.rate(this.hooks.now()));
    stats.latencyMs = round3(this.latencies.last());
    stats.skippedInputs = this.skippedInputs;
    stats.busy = this.inFlight.length > 0;
  }

  dispose(): void {
    this.disposed = true;
    for (const copy of this.inputCopies) if (copy) this.pool.release(copy);
    this.inputCopies.fill(null);
    this.results.dispose();
  }

  /** A failed or stalled run: reported, and the next try waits (1 s, doubling to 30 s) so a broken model is not hammered. */
  private failed(error: unknown): void {
    this.hooks.recordError(error);
    this.retryAt = this.hooks.now() + this.backoff.next();
  }

  private launch(input: Frame | null, clock: ClockState, size: Size): void {
    // A run launched behind another reads the copy that one does not.
    const copy: 0 | 1 = this.inFlight.length === 0 ? 0 : this.inFlight[0]!.copy === 0 ? 1 : 0;
    const ownInput = input ? this.copyInput(input, copy) : null;
    const ownClock = (this.clockCopies[copy] = Object.assign(this.clockCopies[copy] ?? ({} as ClockState), clock));
    const launchedAt = this.hooks.now();
    const launchedShowTime = clock.time;
    const generation = this.generation;
    this.launched = true;
    this.launchedShowTime = clock.time;
    const entry = { launchedAt, copy };
    this.inFlight.push(entry);
    const settled = (): boolean => {
      if (generation !== this.generation || this.disposed) return false; // an abandoned (stalled) run
      const at = this.inFlight.indexOf(entry);
      if (at >= 0) this.inFlight.splice(at, 1);
      return true;
    };
    let pending: Frame | Promise<Frame>;
    try {
      pending = this.instance.process(ownInput, this.params, ownClock);
    } catch (error) {
      settled();
      this.failed(error);
      return;
    }
    Promise.resolve(pending).then(
      (result) => {
        if (settled()) this.finished(result, size, launchedAt, launchedShowTime);
      },
      (error: unknown) => {
        if (settled()) this.failed(error);
      },
    );
  }

  /** The stage's own copy of the input: the pipeline reads it after the tick that lent the frame. */
  private copyInput(input: Frame, copy: 0 | 1): Frame {
    let own = this.inputCopies[copy];
    if (!own || !sameSize(own, input)) {
      if (own) this.pool.release(own);
      own = this.inputCopies[copy] = this.pool.acquire(input.width, input.height);
    }
    copyFrameInto(input, own);
    return own;
  }

  private finished(result: Frame, size: Size, launchedAt: number, launchedShowTime: number): void {
    try {
      checkFrame(result, size);
    } catch (error) {
      this.failed(error);
      return;
    }
    this.latestResult = result;
    this.resultShowTime = launchedShowTime;
    this.shownYet = false;
    this.backoff.reset();
    const done = this.hooks.now();
    if (this.params.betweenResults === 'crossfade') this.results.keep(result, done);
    this.completions.mark(done);
    this.latencies.add(done - launchedAt);
  }
}

/**
 * A decoupled pipeline's `betweenResults: 'crossfade'`: the last two results in frames of the stage's own
 * (the pipeline rewrites its frame on every run), the older fading into the newer over the time the
 * pipeline took between them.
 */
class ResultCrossfade {
  private readonly shown: [Frame | null, Frame | null] = [null, null];
  private newest = -1;
  private arrivedAt = 0;
  private interval = 0;
  private blended: Frame | null = null;

  constructor(private readonly pool: FramePool) {}

  keep(result: Frame, done: number): void {
    const slot = this.newest < 0 ? 0 : 1 - this.newest;
    let frame = this.shown[slot];
    if (!frame || !sameSize(frame, result)) {
      if (frame) this.pool.release(frame);
      frame = this.shown[slot] = this.pool.acquire(result.width, result.height);
    }
    copyFrameInto(result, frame);
    if (this.newest >= 0) this.interval = done - this.arrivedAt;
    this.newest = slot;
    this.arrivedAt = done;
  }

  /** The picture to show now, or null before any result was kept. */
  at(now: number): Frame | null {
    const newer = this.newest < 0 ? null : this.shown[this.newest];
    const older = this.newest < 0 ? null : this.shown[1 - this.newest];
    if (!newer) return null;
    const progress = this.interval > 0 ? (now - this.arrivedAt) / this.interval : 1;
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

  dispose(): void {
    for (const f of [...this.shown, this.blended]) if (f) this.pool.release(f);
    this.shown[0] = this.shown[1] = this.blended = null;
  }
}
