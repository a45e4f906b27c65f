import type { FrameDriver } from '../core/driver.js';
import { describeError } from '../core/errors.js';
import type { FramePool } from '../core/frame-pool.js';
import type { Log } from '../core/log.js';
import type { AnyParams, AnyPipelineDefinition, PipelineInstance } from '../pipelines/contract.js';
import type { PipelineRegistry } from '../pipelines/registry.js';
import { Stage } from '../pipelines/stage.js';
import { findOutputType } from '../outputs/index.js';
import { Engine } from './engine.js';
import { outputId, type Show } from './show.js';

export interface BuildOptions {
  driver: FrameDriver;
  log: Log;
  pool?: FramePool;
}

/** Wires a checked show into a ready (not yet started) engine: stages, parameters, outputs. */
export async function buildEngine(show: Show, registry: PipelineRegistry, options: BuildOptions): Promise<Engine> {
  const engine = new Engine({
    size: show.frameSize,
    fps: show.fps,
    bpm: show.bpm,
    driver: options.driver,
    log: options.log,
    ...(options.pool ? { pool: options.pool } : {}),
    modulation: { lfos: show.modulation.lfos, envelopes: show.modulation.envelopes },
  });
  engine.setMixer(show.mixer);
  for (const deck of show.decks) {
    const refs = [deck.source, ...deck.chain];
    const stages: Stage[] = [];
    for (const [i, ref] of refs.entries()) {
      const path = i === 0 ? `/deck/${deck.id}/source` : `/deck/${deck.id}/fx/${i - 1}`;
      const definition = registry.get(ref.pipeline)!;
      stages.push(await createStage(engine, definition, { ...ref.params }, path, options.log));
    }
    engine.addDeck({ id: deck.id, stages });
  }
  // Routes are checked against the address space the decks just declared; a bad one stops start-up.
  engine.modulation.matrix.setRoutes(show.modulation.routes, 'modulation.routes');
  show.outputs.forEach((config, i) => {
    const type = findOutputType(config.type)!;
    const id = outputId(show, i);
    engine.addOutput(type.create({ ...config, id }, { fps: show.fps, ...show.frameSize, log: options.log.child({ output: id }) }));
  });
  return engine;
}

async function createStage(engine: Engine, definition: AnyPipelineDefinition, params: AnyParams, path: string, log: Log): Promise<Stage> {
  const stageLog = log.child({ stage: path, pipeline: definition.id });
  let instance: PipelineInstance<AnyParams>;
  try {
    instance = await definition.create({ ...engine.size, fps: engine.fps, pool: engine.pool, log: stageLog });
  } catch (error) {
    // A pipeline that cannot start is bypassed like one that throws per frame: the show goes on.
    const reason = `could not start: ${describeError(error)}`;
    instance = { process: () => { throw new Error(reason); }, dispose: () => {} };
  }
  return new Stage({
    path,
    definition,
    instance,
    params,
    pool: engine.pool,
    onError: (report) =>
      stageLog.error(
        { errors: report.count },
        `${report.path} (${report.pipeline}) failed and is bypassed: ${report.message}`,
      ),
  });
}
