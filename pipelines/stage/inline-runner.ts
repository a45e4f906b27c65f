import type { ClockState } from '../../core/clock.js';
import type { Frame } from '../../core/frame.js';
import type { AnyParams, PipelineInstance } from '../contract.js';
import { OverrunGuard } from './overrun-guard.js';
import { checkFrame, isPromiseLike, type Size, type StageHooks, type StageRunner } from './runner.js';
import type { StageStats } from './stage-stats.js';

/**
 * Runs the pipeline in the tick. When it throws (or returns a promise, or a frame of the wrong size)
 * the stage falls back for that frame; one that overruns the frame budget again and again is bypassed.
 */
export class InlineRunner implements StageRunner {
  private readonly overrun: OverrunGuard;

  constructor(
    private readonly instance: PipelineInstance<AnyParams>,
    private readonly params: AnyParams,
    private readonly hooks: StageHooks,
    frameBudgetMs: number,
  ) {
    this.overrun = new OverrunGuard(frameBudgetMs, hooks.now);
  }

  run(input: Frame | null, clock: ClockState, size: Size): Frame | null {
    if (this.overrun.skipping()) return null;
    const started = this.hooks.now();
    try {
      const result = this.instance.process(input, this.params, clock);
      const bypassed = this.overrun.note(this.hooks.now() - started);
      if (bypassed) this.hooks.recordError(new Error(bypassed));
      if (isPromiseLike(result)) {
        // Keep the rejected promise from becoming an unhandled rejection.
        Promise.resolve(result).catch(() => {});
        throw new Error(`returned a Promise from process(); declare execution: 'decoupled' for asynchronous pipelines`);
      }
      checkFrame(result, size);
      return result;
    } catch (error) {
      this.hooks.recordError(error);
      return null;
    }
  }

  describe(stats: StageStats): void {
    if (this.overrun.bypassed) stats.bypassed = true;
  }

  delaySeconds(): number {
    return 0;
  }

  dispose(): void {}
}
