import { expect } from 'vitest';
import type { Engine } from '../../host/engine.js';

/**
 * A stall this long means the frame loop was blocked (by a slow output, a waiting model): what these
 * checks catch stops the loop for seconds or for good. A busy machine makes the loop skip frames; on
 * these 2 cores, with a browser and other hosts running beside the suite, it was seen to pause the
 * whole process for up to 0.57 s. How fast the loop renders is the benches' job.
 */
export const STALL_MS = 750;

/** Output frames per second of an engine over `ms` (for comparisons within one run). */
export async function measuredFps(engine: Engine, ms: number): Promise<number> {
  const before = engine.stats().frames;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  return ((engine.stats().frames - before) * 1000) / (performance.now() - t0);
}

/**
 * Watches the frame loop for `ms` and asserts it kept rendering: frames kept coming, with no gap of
 * STALL_MS or more between two of them. Returns the frames rendered meanwhile.
 */
export async function expectRendering(engine: Engine, ms: number): Promise<number> {
  // Watched at least twice as long as a stall, so a loop that has stopped for good is caught.
  ms = Math.max(ms, 2 * STALL_MS);
  const first = engine.stats().frames;
  let last = first;
  let lastChange = performance.now();
  let longestGap = 0;
  const end = lastChange + ms;
  while (performance.now() < end) {
    await new Promise((r) => setTimeout(r, 10));
    const now = performance.now();
    const frames = engine.stats().frames;
    if (frames !== last) {
      longestGap = Math.max(longestGap, now - lastChange);
      last = frames;
      lastChange = now;
    }
  }
  longestGap = Math.max(longestGap, performance.now() - lastChange);
  expect(longestGap, `the frame loop stalled for ${Math.round(longestGap)} ms`).toBeLessThan(STALL_MS);
  return last - first;
}
