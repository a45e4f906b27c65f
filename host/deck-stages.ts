import { describeError } from '../core/errors.js';
import type { Log } from '../core/log.js';
import { defaultParams } from '../core/params.js';
import type { AnyParams, AnyPipelineDefinition, PipelineInstance } from '../pipelines/contract.js';
import type { PipelineRegistry } from '../pipelines/registry.js';
import { Stage } from '../pipelines/stage/stage.js';
import type { Engine } from './engine.js';

/**
 * A deck's pipelines, created and ready to render (models loaded, threads started) — at start, or
 * off the frame loop when a preset changes a deck's chain.
 */
export async function createDeckStages(
  engine: Engine,
  registry: PipelineRegistry,
  deck: { id: string; source: { pipeline: string; params: Record<string, unknown> }; chain: { pipeline: string; params: Record<string, unknown>; bypass?: boolean }[] },
  log: Log,
): Promise<Stage[]> {
  const stages: Stage[] = [];
  for (const [i, ref] of [deck.source, ...deck.chain].entries()) {
    const path = i === 0 ? `/deck/${deck.id}/source` : `/deck/${deck.id}/fx/${i - 1}`;
    const definition = registry.get(ref.pipeline);
    if (!definition) throw new Error(`${path}: unknown pipeline "${ref.pipeline}"`);
    const stage = await createStage(engine, definition, { ...defaultParams(definition.params), ...ref.params }, path, log);
    if (i > 0) stage.controls.bypass = (ref as { bypass?: boolean }).bypass === true;
    stages.push(stage);
  }
  return stages;
}

async function createStage(engine: Engine, definition: AnyPipelineDefinition, params: AnyParams, path: string, log: Log): Promise<Stage> {
  const stageLog = log.child({ stage: path, pipeline: definition.id });
  let instance: PipelineInstance<AnyParams>;
  try {
    instance = await definition.create({ ...engine.size, fps: engine.fps, pool: engine.pool, log: stageLog, now: engine.now, media: engine.media });
  } catch (error) {
    // A pipeline that cannot start is bypassed like one that throws per frame: the show goes on.
    const reason = `could not start: ${describeError(error)}`;
    instance = { process: () => { throw new Error(reason); }, dispose: () => {}, status: () => ({ state: 'error', current: null, next: null, error: reason }) };
  }
  return new Stage({
    path,
    definition,
    instance,
    params,
    pool: engine.pool,
    now: engine.now,
    frameBudgetMs: 1000 / engine.fps,
    onError: (report) =>
      stageLog.error(
        { errors: report.count },
        `${report.path} (${report.pipeline}) failed and is bypassed: ${report.message}`,
      ),
  });
}
