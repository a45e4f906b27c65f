import path from 'node:path';
import type { FrameDriver } from '../core/driver.js';
import type { FramePool } from '../core/frame-pool.js';
import type { Log } from '../core/log.js';
import type { PipelineRegistry } from '../pipelines/registry.js';
import { Engine } from './engine.js';
import { createDeckStages } from './deck-stages.js';
import { registerClipActions } from './clip-actions.js';
import { registerChainActions } from './chain-actions.js';
import { outputId, type Show } from './show.js';
import type { MediaOptions } from '../pipelines/contract.js';
import { clipCacheBytes } from '../pipelines/video/media-options.js';

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
    media: mediaOptions(show.media),
  });
  engine.setMixer(show.mixer);
  for (const deck of show.decks) {
    engine.addDeck({ id: deck.id, stages: await createDeckStages(engine, registry, deck, options.log) });
    registerClipActions(engine, deck.id, options.log);
    registerChainActions(engine, registry, deck.id, options.log);
  }
  // Routes are checked against the address space the decks just declared; a bad one stops start-up.
  engine.modulation.matrix.setRoutes(show.modulation.routes, 'modulation.routes');
  for (const [i, config] of show.outputs.entries()) {
    await engine.outputManager.add({ ...config, id: outputId(show, i) });
  }
  return engine;
}

/** The show's media section as the video sources take it (an empty folder: the default one). */
function mediaOptions(media: Show['media']): Partial<MediaOptions> {
  return { ...(media.dir ? { dir: path.resolve(media.dir) } : {}), clipCacheBytes: clipCacheBytes(media.clipCacheMB), hwDecode: media.hwDecode };
}
