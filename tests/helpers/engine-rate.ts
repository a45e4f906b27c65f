import type { Engine } from '../../host/engine.js';

/** The show keeps rendering: 70% of its 30 fps at least, even beside a browser and encoders on two cores (rates are the benches' job). */
export const LIVE_FPS = 21;

/** Output frames per second of an engine over `ms`. */
export async function measuredFps(engine: Engine, ms: number): Promise<number> {
  const before = engine.stats().frames;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  return ((engine.stats().frames - before) * 1000) / (performance.now() - t0);
}
