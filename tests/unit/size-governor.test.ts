import { describe, expect, it } from 'vitest';
import { SizeGovernor, type GovernedSize } from '../../pipelines/onnx/size-governor.js';

// The governor on a simulated clock: a stage whose run takes time in proportion to its pixel count
// (`msPerPixel`, which the test raises and lowers as another load on the machine would), run as the
// decoupled runner runs a model: a result is seen at the frame after it is done, and the next run starts
// then, but no sooner than the target rate allows.
const SET: GovernedSize = { width: 256, height: 144, minWidth: 64, multipleOf: 4 };
const FRAME_MS = 1000 / 30;

function simulate(governor: SizeGovernor, targetFps: number, msPerPixel: () => number, seconds: number, startMs: number) {
  const sizes: { at: number; size: [number, number] }[] = [];
  const results: number[] = [];
  let t = startMs;
  const end = startMs + seconds * 1000;
  while (t < end) {
    const size = governor.size(SET, targetFps);
    if (!sizes.length || sizes.at(-1)!.size.join() !== size.join()) sizes.push({ at: t, size });
    const duration = size[0] * size[1] * msPerPixel();
    const seen = Math.ceil((t + duration) / FRAME_MS - 1e-9) * FRAME_MS;
    governor.finished(size, duration, seen);
    results.push(seen);
    let next = seen;
    while (targetFps > 0 && next + FRAME_MS / 2 < t + 1000 / targetFps) next += FRAME_MS;
    t = next;
  }
  /** Results a second over the last five seconds. */
  const rate = results.filter((r) => r > t - 5000).length / 5;
  return { sizes, end: t, rate };
}

describe('the frame-rate governor', () => {
  it('shrinks the working size to hold the target as the load rises, stays put under a steady load, and grows back when the load goes', () => {
    const governor = new SizeGovernor(FRAME_MS);
    let load = 1 / 256 / 144 * 200; // quiet: 200 ms a run at the full size (5 fps)
    const target = 10;
    const quiet = simulate(governor, target, () => load, 30, 0);
    const quietSize = governor.size(SET, target);
    expect(quietSize[0]).toBeLessThan(256);
    expect(quietSize[0]).toBeGreaterThanOrEqual(64);
    expect(quietSize[0] % 4).toBe(0);
    expect(quietSize[1]).toBe(Math.round((quietSize[0] * 144) / 256 / 4) * 4); // the shape kept
    expect(quiet.rate).toBeGreaterThanOrEqual(target * 0.92);
    expect(quiet.rate).toBeLessThanOrEqual(target * 1.05); // and no more often than asked
    // Settled: no change in the last 20 seconds of a steady load.
    expect(quiet.sizes.filter((s) => s.at > 10_000).length).toBeLessThanOrEqual(1);
    expect(governor.report(SET)).toMatchObject({ size: `${quietSize[0]}x${quietSize[1]}`, targetFps: 10 });
    expect(governor.report(SET).reason).toMatch(/holding|larger|smaller/);

    // Another process takes half the machine: the same size now runs at half the rate.
    load *= 2;
    const busy = simulate(governor, target, () => load, 30, quiet.end);
    const busySize = governor.size(SET, target);
    expect(busySize[0] * busySize[1]).toBeLessThan(quietSize[0] * quietSize[1]);
    expect(busy.rate).toBeGreaterThanOrEqual(target * 0.92);
    expect(busy.sizes.filter((s) => s.at > busy.end - 15_000).length).toBeLessThanOrEqual(1);

    // The load goes: it grows back (within 40 s: a size found too slow is not retried for 20 s).
    load /= 8;
    simulate(governor, target, () => load, 40, busy.end);
    expect(governor.size(SET, target)).toEqual([256, 144]); // never above the size as set
    expect(governor.report(SET).reason).toMatch(/holding|larger/);
  });

  it('at the smallest size and still slow, says so; off, the size as set', () => {
    const governor = new SizeGovernor(FRAME_MS);
    const heavy = 1 / 64 / 36 * 500; // 2 fps even at the smallest size
    simulate(governor, 30, () => heavy, 60, 0);
    expect(governor.size(SET, 30)).toEqual([64, 36]);
    expect(governor.report(SET).reason).toMatch(/possible at the smallest size: under the 30 fps target/);
    expect(governor.size(SET, 0)).toEqual([256, 144]);
    expect(governor.report(SET)).toMatchObject({ size: '256x144', targetFps: 0, reason: 'off: the working size as set' });
  });

  it('never judges a size by runs made before it changed', () => {
    const governor = new SizeGovernor(FRAME_MS);
    governor.size(SET, 10);
    // Slow runs at the full size: it goes smaller after five.
    for (let i = 1; i <= 5; i++) governor.finished([256, 144], 480, i * 500);
    const smaller = governor.size(SET, 10);
    expect(smaller[0]).toBeLessThan(256);
    // A late result from the old size is not counted for the new one.
    for (let i = 6; i <= 20; i++) governor.finished([256, 144], 480, i * 500);
    expect(governor.size(SET, 10)).toEqual(smaller);
  });
});
