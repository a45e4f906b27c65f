import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualDriver } from '../../core/driver.js';
import { readFrameCode } from '../../core/frame-code.js';
import { silentLog } from '../../core/log.js';
import { buildEngine } from '../../host/build-engine.js';
import type { Engine } from '../../host/engine.js';
import { checkShow } from '../../host/show.js';
import { registerBuiltins } from '../../pipelines/builtins/index.js';
import { PipelineRegistry } from '../../pipelines/registry.js';
import { makeCodedClip } from '../helpers/coded-clip.js';
import { tempDir } from '../helpers/host-process.js';
import { until } from '../helpers/until.js';
import sharp from 'sharp';

// Clips made here by real ffmpeg, each frame carrying its number; played by the real decoder.
const W = 160;
const H = 90;
const media = tempDir('media');
const registry = new PipelineRegistry();
registerBuiltins(registry);
let engine: Engine | null = null;
let driver: ManualDriver;

beforeAll(async () => {
  await makeCodedClip(path.join(media, 'count.mp4'), { frames: 48, width: W, height: H, fps: 30 });
  fs.writeFileSync(path.join(media, 'garbage.mp4'), 'this is not a video');
  // A wide red picture (twice as wide as the show's shape): bars above and below when fitted.
  await sharp({ create: { width: 320, height: 45, channels: 4, background: { r: 255, g: 0, b: 0, alpha: 1 } } }).png().toFile(path.join(media, 'wide.png'));
}, 60_000);

afterEach(async () => {
  await engine?.stop();
  engine = null;
});

afterAll(() => fs.rmSync(media, { recursive: true, force: true }));

async function play(params: Record<string, unknown>): Promise<Engine> {
  const show = checkShow({ size: `${W}x${H}`, fps: 30, bpm: 120, decks: [{ id: 'a', source: { pipeline: 'video', params } }], osc: { enabled: false }, media: { dir: media } }, registry);
  driver = new ManualDriver();
  engine = await buildEngine(show, registry, { driver, log: silentLog });
  await engine.start();
  return engine;
}

const stage = () => engine!.stats().stages[0]!;
const code = (): number | null => readFrameCode(engine!.lastFrame!.data, W, H);

/** Ticks until the clip is in memory, then returns the codes of the next `ticks` frames. */
async function codes(ticks: number): Promise<(number | null)[]> {
  await until(() => stage().status?.state === 'loaded', 20_000, 'the clip in memory', () => driver.tick());
  return Array.from({ length: ticks }, () => {
    driver.tick();
    return code();
  });
}

describe('video source: a clip decoded into memory', () => {
  it('plays frame-exact at speed 1 from the retrigger, and says what it holds', async () => {
    await play({ source: 'count.mp4' });
    await codes(1);
    expect(stage().status).toMatchObject({ state: 'loaded', detail: { kind: 'cached-clip', frames: 48 } });
    engine!.actions.invoke('/deck/a/retrigger', [], 0);
    const shown = await codes(50);
    expect(shown.slice(0, 49)).toEqual([...Array.from({ length: 48 }, (_, i) => i), 0]);
    expect(stage().status).toMatchObject({ state: 'loaded', current: 'count.mp4', detail: { kind: 'cached-clip', frames: 48 } });
  });

  it('speed 2, reverse and ping-pong land on the frames they should', async () => {
    await play({ source: 'count.mp4', speed: 2 });
    engine!.actions.invoke('/deck/a/retrigger', [], 0);
    expect((await codes(5)).slice(1)).toEqual([2, 4, 6, 8]);
    engine!.params.set('/deck/a/source/speed', 1);
    engine!.params.set('/deck/a/source/reverse', true);
    engine!.actions.invoke('/deck/a/retrigger', [], 0);
    expect(await codes(4)).toEqual([47, 46, 45, 44]);
  });

  it('in and out points, a scrub, and beat sync on the manual clock', async () => {
    await play({ source: 'count.mp4', inPoint: 0.5, outPoint: 0.75 });
    engine!.actions.invoke('/deck/a/retrigger', [], 0);
    expect(await codes(14)).toEqual([24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 24, 25]);
    engine!.params.set('/deck/a/source/inPoint', 0);
    engine!.params.set('/deck/a/source/outPoint', 1);
    engine!.params.set('/deck/a/source/playing', false);
    engine!.params.set('/deck/a/source/position', 10 / 47);
    expect(await codes(3)).toEqual([10, 10, 10]);
    // 4 beats at 120 BPM = 60 ticks for 48 frames: on each downbeat, frame 0.
    engine!.params.set('/deck/a/source/playing', true);
    engine!.params.set('/deck/a/source/beatSync', 4);
    const synced = await codes(130);
    // The clip's start comes round on the downbeat (48 frames over 60 ticks: frame 0 may show twice).
    const downbeats = synced.map((c, i) => (c === 0 && synced[i - 1] !== 0 ? i : -1)).filter((i) => i >= 0);
    expect(downbeats.length).toBeGreaterThanOrEqual(2);
    expect(downbeats.slice(0, 2).reduce((a, b) => b - a)).toBe(60);
  });
});

describe('video source: a still picture', () => {
  it.each([
    ['fit', [0, 0, 0, 0], [255, 0, 0, 255]],
    ['fill', [255, 0, 0, 255], [255, 0, 0, 255]],
    ['stretch', [255, 0, 0, 255], [255, 0, 0, 255]],
  ] as const)('%s: the top row and the middle as the mode says', async (fit, top, middle) => {
    await play({ source: 'wide.png', fit });
    await until(() => stage().status?.state === 'loaded', 10_000, 'the picture decoded', () => driver.tick());
    driver.tick();
    const data = engine!.lastFrame!.data;
    const at = (x: number, y: number) => [...data.subarray((y * W + x) * 4, (y * W + x) * 4 + 4)];
    expect(at(80, 0)).toEqual(top);
    expect(at(80, 45)).toEqual(middle);
    expect(stage().status).toMatchObject({ current: 'wide.png', detail: { kind: 'image' } });
  });
});

describe('video source: bad input gets a clear reason and the show goes on', () => {
  it.each([
    ['a clip that is not there', 'missing.mp4', /clip not found: .*missing\.mp4/],
    ['a path instead of a name in the media folder', '../../etc/passwd', /must be a file name in the media folder/],
    ['a scheme the host does not open', 'file:///etc/passwd', /the scheme file: is not one the host opens/],
    ['a camera that is not plugged in (this machine has none)', '/dev/video7', /camera \/dev\/video7: no such device/],
    ['a file that is not a video', 'garbage.mp4', /Invalid data|could not|no video/i],
  ])('%s', async (_what, source, reason) => {
    await play({ source });
    await until(() => stage().status?.state === 'error', 20_000, 'the error shown', () => driver.tick());
    expect(stage().status!.error).toMatch(reason);
    // Black, and every tick still makes its frame.
    const before = engine!.stats().frames;
    driver.tick(5);
    expect(engine!.stats().frames).toBe(before + 5);
    expect(Math.max(...engine!.lastFrame!.data.subarray(0, 4 * W))).toBe(0);
  });

  it('no ffmpeg: says so, and what to do', async () => {
    process.env.VJ_HOST_FFMPEG = '/nonexistent/ffmpeg';
    try {
      await play({ source: 'count.mp4' });
      await until(() => stage().status?.state === 'error', 20_000, 'the error shown', () => driver.tick());
      expect(stage().status!.error).toMatch(/ffmpeg not found: "\/nonexistent\/ffmpeg" is not on PATH/);
      await engine!.stop();
      // A stream does not keep retrying what cannot come: failed, not reconnecting.
      await play({ source: 'rtmp://127.0.0.1:9/live/x' });
      await until(() => stage().status?.detail?.state === 'failed', 20_000, 'the stream failed', () => driver.tick());
      expect(stage().status!.error).toMatch(/ffmpeg not found/);
    } finally {
      delete process.env.VJ_HOST_FFMPEG;
    }
  });
});
