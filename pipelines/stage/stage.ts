import type { ClockState } from '../../core/clock.js';
import { describeError } from '../../core/errors.js';
import type { Frame } from '../../core/frame.js';
import type { FramePool } from '../../core/frame-pool.js';
import { describeParams } from '../../core/params.js';
import { RollingSamples } from '../../core/rolling-stats.js';
import type { AnyParams, AnyPipelineDefinition, ExecutionMode, GpuEffectHandle, PipelineInstance } from '../contract.js';
import { DecoupledRunner } from './decoupled-runner.js';
import { InlineRunner } from './inline-runner.js';
import { round3, type Size, type StageRunner } from './runner.js';
import type { StageErrorReport, StageStats } from './stage-stats.js';

export type { StageErrorReport, StageStats };

/**
 * One pipeline instance on the frame loop, with timing and error isolation. It runs inline (in the
 * tick: inline-runner.ts) or decoupled (beside the loop, latest wins: decoupled-runner.ts). Whatever
 * happens to the pipeline, the stage gives the tick a frame: the pipeline's, else its input (a source:
 * its last good frame), else black; each distinct error is reported once.
 */
export class Stage {
  readonly path: string;
  private current: AnyPipelineDefinition;
  readonly execution: ExecutionMode;
  /** Live parameter values; the engine writes them between ticks. */
  readonly params: AnyParams;
  /** What the deck sets on the stage besides the pipeline's own parameters (an effect's bypass). */
  readonly controls = { bypass: false };
  private readonly instance: PipelineInstance<AnyParams>;
  private readonly pool: FramePool;
  private readonly onError: (report: StageErrorReport) => void;
  private readonly timings = new RollingSamples(300);
  private readonly now: () => number;
  private readonly runner: StageRunner;
  private errors = 0;
  private lastError: string | null = null;
  private lastGood: Frame | null = null;
  private blank: Frame | null = null;
  /** Set by the GPU segment the stage runs in. */
  gpuStats: { segment: string; gpuMs: number | null } | null = null;

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
    this.current = options.definition;
    this.execution = options.definition.execution ?? 'inline';
    this.instance = options.instance;
    this.params = options.params;
    this.pool = options.pool;
    this.onError = options.onError;
    this.now = options.now ?? (() => performance.now());
    const hooks = { recordError: (error: unknown) => this.recordError(error), now: this.now };
    this.runner = this.execution === 'decoupled'
      ? new DecoupledRunner(this.instance, this.params, this.pool, hooks, options.definition.stallTimeoutMs ?? 5000)
      : new InlineRunner(this.instance, this.params, hooks, options.frameBudgetMs ?? Infinity);
  }

  /** Returns the frame this stage contributes to this tick (never null for a source: black at worst). */
  run(input: Frame | null, clock: ClockState, size: Size): Frame {
    const started = this.now();
    const result = this.runner.run(input, clock, size);
    if (result) this.lastGood = result;
    this.timings.add(this.now() - started);
    return result ?? input ?? this.lastGood ?? this.blankFrame(size);
  }

  get definition(): AnyPipelineDefinition {
    return this.current;
  }

  /**
   * A new version of the same pipeline (a shader plugin saved with other inputs): its parameters are now
   * the new schema's, those it keeps keep their values, the new ones start at their defaults.
   */
  redefine(definition: AnyPipelineDefinition): void {
    if (definition.id !== this.current.id) throw new Error(`${this.path}: cannot become "${definition.id}"`);
    this.current = definition;
    for (const p of describeParams(definition.params)) if (!(p.name in this.params)) this.params[p.name] = p.default;
  }

  /** A GPU effect's part in its deck's GPU segment (null: the stage runs on the CPU). */
  get gpu(): GpuEffectHandle | null {
    return this.instance.gpu ?? null;
  }

  /** Starts the pipeline over (a clip from its in point), where it has a notion of that. */
  retrigger(): void {
    this.instance.retrigger?.();
  }

  /** Tells the pipeline a cue fired. */
  cue(): void {
    this.instance.cue?.();
  }

  /** How long after its input's frame the stage's result reaches the output (show seconds, smoothed). */
  delaySeconds(): number {
    return this.runner.delaySeconds();
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
    this.runner.describe(stats);
    if (this.gpuStats) stats.gpu = this.gpuStats;
    const status = this.instance.status?.();
    if (status) stats.status = status;
    return stats;
  }

  async dispose(): Promise<void> {
    this.runner.dispose();
    if (this.blank) this.pool.release(this.blank);
    this.blank = null;
    await this.instance.dispose();
  }

  private recordError(error: unknown): void {
    this.errors++;
    const message = describeError(error);
    if (message === this.lastError) return;
    this.lastError = message;
    this.onError({ path: this.path, pipeline: this.definition.id, message, count: this.errors });
  }

  private blankFrame(size: Size): Frame {
    if (!this.blank || this.blank.width !== size.width || this.blank.height !== size.height) {
      this.blank = this.pool.acquire(size.width, size.height);
      this.blank.data.fill(0);
    }
    return this.blank;
  }
}
