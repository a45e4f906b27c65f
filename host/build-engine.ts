import path from 'node:path';
import type { FrameDriver } from '../core/driver.js';
import { describeError } from '../core/errors.js';
import type { FramePool } from '../core/frame-pool.js';
import type { Log } from '../core/log.js';
import type { AnyParams, AnyPipelineDefinition, PipelineInstance } from '../pipelines/contract.js';
import type { PipelineRegistry } from '../pipelines/registry.js';
import { Stage } from '../pipelines/stage/stage.js';
import { defaultParams } from '../core/params.js';
import { Engine } from './engine.js';
import { outputId, type Show } from './show.js';

export interface BuildOptions {
  driver: FrameDriver;
  log: Log;
  pool?: FramePool;
  /** Time source for stage timing and stall detection (tests inject one; default performance.now). */
  now?: () => number;
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
    ...(options.now ? { now: options.now } : {}),
    modulation: { lfos: show.modulation.lfos, envelopes: show.modulation.envelopes },
    ...(show.media.dir ? { mediaDir: path.resolve(show.media.dir) } : {}),
  });
  engine.setMixer(show.mixer);
  for (const deck of show.decks) engine.addDeck({ id: deck.id, stages: await createDeckStages(engine, registry, deck, options.log) });
  // Routes are checked against the address space the decks just declared; a bad one stops start-up.
  engine.modulation.matrix.setRoutes(show.modulation.routes, 'modulation.routes');
  for (const [i, config] of show.outputs.entries()) {
    await engine.outputManager.add({ ...config, id: outputId(show, i) });
  }
  return engine;
}

/**
 * A deck's pipelines, created and ready to render (models loaded, threads started) — at start, or
 * off the frame loop when a preset changes a deck's chain.
 */
export async function createDeckStages(
  engine: Engine,
  registry: PipelineRegistry,
  deck: { id: string; source: { pipeline: string; params: Record<string, unknown> }; chain: { pipeline: string; params: Record<string, unknown> }[] },
  log: Log,
): Promise<Stage[]> {
  const stages: Stage[] = [];
  for (const [i, ref] of [deck.source, ...deck.chain].entries()) {
    const path = i === 0 ? `/deck/${deck.id}/source` : `/deck/${deck.id}/fx/${i - 1}`;
    const definition = registry.get(ref.pipeline);
    if (!definition) throw new Error(`${path}: unknown pipeline "${ref.pipeline}"`);
    stages.push(await createStage(engine, definition, { ...defaultParams(definition.params), ...ref.params }, path, log));
  }
  return stages;
}

async function createStage(engine: Engine, definition: AnyPipelineDefinition, params: AnyParams, path: string, log: Log): Promise<Stage> {
  const stageLog = log.child({ stage: path, pipeline: definition.id });
  let instance: PipelineInstance<AnyParams>;
  try {
    instance = await definition.create({ ...engine.size, fps: engine.fps, pool: engine.pool, log: stageLog, now: engine.now, mediaDir: engine.mediaDir });
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
