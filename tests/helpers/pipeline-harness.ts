import { initialClockState, Tempo, updateClockState, type ClockState } from '../../core/clock.js';
import { FramePool } from '../../core/frame-pool.js';
import { silentLog, type Log } from '../../core/log.js';
import { defaultParams } from '../../core/params.js';
import type { AnyParams, AnyPipelineDefinition, MediaOptions, PipelineInstance } from '../../pipelines/contract.js';
import { defaultMediaOptions } from '../../pipelines/video/media-options.js';

export interface Harness {
  instance: PipelineInstance<AnyParams>;
  params: AnyParams;
  clock: ClockState;
  pool: FramePool;
  /** Advances the clock one frame at `fps`. */
  step(): ClockState;
}

/** Creates a pipeline instance outside any engine, with default params overridden by `params`. */
export async function harness(
  definition: AnyPipelineDefinition,
  size: { width: number; height: number },
  params: AnyParams = {},
  options: { fps?: number; log?: Log; media?: Partial<MediaOptions> } = {},
): Promise<Harness> {
  const fps = options.fps ?? 30;
  const pool = new FramePool();
  const clock = initialClockState(fps);
  // The pipeline's clock is the harness's frame clock: time moves only when the test steps.
  const instance = await definition.create({ ...size, fps, pool, log: options.log ?? silentLog, now: () => clock.time * 1000, media: { ...defaultMediaOptions(), ...options.media } });
  const tempo = new Tempo();
  let frame = 0;
  return {
    instance,
    params: { ...defaultParams(definition.params), ...params },
    clock,
    pool,
    step() {
      updateClockState(clock, frame, frame / fps, fps, tempo);
      frame++;
      return clock;
    },
  };
}
