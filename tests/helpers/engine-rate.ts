import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { expect } from 'vitest';
import type { Engine } from '../../host/engine.js';

/**
 * A stall this long means the frame loop was blocked (by a slow output, a waiting model): what these
 * checks catch stops the loop for seconds or for good. A busy machine makes the loop skip frames; on
 * these 2 cores, with a browser test and other hosts running beside, the whole process was seen not to
 * run for up to 1.19 s (its timers 0.85 s late, little of it GC): the machine's, not the loop's. How fast
 * the loop renders is the benches' job.
 */
export const STALL_MS = 1500;

/**
 * Watches the frame loop for `ms` and asserts it kept rendering: frames kept coming, with no gap of
 * STALL_MS or more between two of them. Returns the frames rendered meanwhile.
 */
export async function expectRendering(engine: Engine, ms: number): Promise<number> {
  // Watched at least twice as long as a stall, so a loop that has stopped for good is caught.
  ms = Math.max(ms, 2 * STALL_MS);
  // What else held this thread meanwhile, for the message: a stall with the timers as late is the thread
  // held (by the machine, a GC, or a blocking call), not the loop waiting on something.
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const gcPauses: number[] = [];
  const gcs = new PerformanceObserver((list) => gcPauses.push(...list.getEntries().map((e) => e.duration)));
  gcs.observe({ entryTypes: ['gc'] });
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
  delay.disable();
  gcs.disconnect();
  const blocked = `this thread's timers were up to ${Math.round(delay.max / 1e6)} ms late, its longest GC pause ${Math.round(Math.max(0, ...gcPauses))} ms`;
  expect(longestGap, `the frame loop stalled for ${Math.round(longestGap)} ms (${blocked})`).toBeLessThan(STALL_MS);
  return last - first;
}
