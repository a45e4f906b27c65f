import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualDriver } from '../../core/driver.js';
import { readFrameCode } from '../../core/frame-code.js';
import { silentLog } from '../../core/log.js';
import { buildEngine } from '../../host/build-engine.js';
import type { Engine } from '../../host/engine.js';
import { checkShow } from '../../host/show.js';
import { setupPresets } from '../../host/presets-setup.js';
import { listClips } from '../../pipelines/video/clip-bank.js';
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

async function play(params: Record<string, unknown>, mediaSection: Record<string, unknown> = {}): Promise<Engine> {
  const show = checkShow({ size: `${W}x${H}`, fps: 30, bpm: 120, decks: [{ id: 'a', source: { pipeline: 'video', params } }], osc: { enabled: false }, media: { dir: media, ...mediaSection } }, registry);
  driver = new ManualDriver();
  engine = await buildEngine(show, registry, { driver, log: silentLog });
  await engine.start();
  return engine;
}

const stage = () => engine!.stats().stages[0]!;
const code = (): number | null => readFrameCode(engine!.lastFrame!.data, W, H);

/** Ticks until the clip is all in memory, then returns the codes of the next `ticks` frames. */
async function codes(ticks: number): Promise<(number | null)[]> {
  const inMemory = () => stage().status?.state === 'loaded' && stage().status?.detail?.decoded === stage().status?.detail?.frames;
  await until(inMemory, 20_000, 'the clip in memory', () => driver.tick());
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

  it('starts playing from its first frame before it is all in memory, at the length its container says', async () => {
    // 720p frames to decode (a few hundred milliseconds of work here), shown at the show's 160x90.
    await makeCodedClip(path.join(media, 'big.mp4'), { frames: 120, width: 1280, height: 720, fps: 30, codec: ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'] });
    await play({ source: 'big.mp4' });
    await until(() => stage().status?.state === 'loaded', 20_000, 'the clip playing', () => driver.tick());
    expect(code()).toBe(0);
    expect(stage().status!.detail).toMatchObject({ state: 'playing', kind: 'cached-clip', frames: 120 });
    expect(stage().status!.detail!.decoded).toBeLessThan(120);
    // All in: it plays on from where it got to, a frame a tick.
    await until(() => stage().status?.detail?.decoded === 120, 20_000, 'the clip all in memory');
    const at = code()!;
    const next = Array.from({ length: 3 }, () => (driver.tick(), code()));
    expect(next).toEqual([at + 1, at + 2, at + 3]);
    fs.rmSync(path.join(media, 'big.mp4'));
  }, 60_000);

  it('speed 2, reverse and ping-pong land on the frames they should', async () => {
    await play({ source: 'count.mp4', speed: 2 });
    await codes(0);
    engine!.actions.invoke('/deck/a/retrigger', [], 0);
    expect((await codes(5)).slice(1)).toEqual([2, 4, 6, 8]);
    engine!.params.set('/deck/a/source/speed', 1);
    engine!.params.set('/deck/a/source/reverse', true);
    engine!.actions.invoke('/deck/a/retrigger', [], 0);
    expect(await codes(4)).toEqual([47, 46, 45, 44]);
  });

  it('in and out points, a scrub, and beat sync on the manual clock', async () => {
    await play({ source: 'count.mp4', inPoint: 0.5, outPoint: 0.75 });
    await codes(0);
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
    // A downbeat is frame 0 after another frame (the first tick has none before it: it may land just after a beat).
    const downbeats = synced.map((c, i) => (i > 0 && c === 0 && synced[i - 1] !== 0 ? i : -1)).filter((i) => i >= 0);
    expect(downbeats.length).toBeGreaterThanOrEqual(2);
    expect(downbeats.slice(0, 2).reduce((a, b) => b - a)).toBe(60);
  });
});

describe('video source: retrigger on a cue', () => {
  it('a clip set to retrigger on cues starts over when /cue/go fires the next cue', async () => {
    await play({ source: 'count.mp4', retrigger: 'cue' });
    const presetsDir = tempDir('cue-presets');
    try {
      // The cue names a preset this folder does not have: it still fires (and says so), and the clip hears it.
      setupPresets(engine!, { dir: presetsDir, bank: 'default', cues: [{ preset: 'Drop', bank: 'default' }], autosave: false }, silentLog, { resume: false });
      await codes(20);
      expect(code()).not.toBe(0);
      engine!.actions.invoke('/cue/go', [], 0);
      driver.tick();
      expect(code()).toBe(0);
      expect((await codes(3))).toEqual([1, 2, 3]);
    } finally {
      fs.rmSync(presetsDir, { recursive: true, force: true });
    }
  });
});

describe('video source: a preset carries the clip', () => {
  it('recalling a preset saved on one clip switches the deck back to it', async () => {
    await play({ source: 'wide.png', switchFade: 0 });
    const presetsDir = tempDir('clip-presets');
    try {
      const presets = setupPresets(engine!, { dir: presetsDir, bank: 'default', cues: [], autosave: false }, silentLog, { resume: false, registry });
      await presets.ready;
      await presets.capture('Wide');
      engine!.params.set('/deck/a/source/source', 'count.mp4');
      await until(() => stage().status?.current === 'count.mp4', 10_000, 'the deck on count.mp4', () => driver.tick());
      engine!.actions.invoke('/preset/recall', ['Wide'], 0);
      await until(() => stage().status?.current === 'wide.png' && stage().status?.state === 'loaded', 10_000, 'the deck back on wide.png', () => driver.tick());
      expect(engine!.params.base('/deck/a/source/source')).toBe('wide.png');
    } finally {
      fs.rmSync(presetsDir, { recursive: true, force: true });
    }
  });
});

describe('video source: clips picked from the bank by actions (MIDI pads, OSC buttons)', () => {
  it('next, previous and select move through the bank in its order, round at the ends', async () => {
    await play({ source: 'count.mp4' });
    // The bank: count.mp4, garbage.mp4, wide.png (and the long clip another test adds), in name order.
    const names = listClips(media).clips.map((c) => c.name);
    const source = () => engine!.params.base('/deck/a/source/source');
    const invoke = (path: string, args: number[] = []) => {
      engine!.actions.invoke(path, args, 0);
      driver.tick();
    };
    invoke('/deck/a/clip/next');
    expect(source()).toBe(names[(names.indexOf('count.mp4') + 1) % names.length]);
    invoke('/deck/a/clip/previous');
    invoke('/deck/a/clip/previous');
    expect(source()).toBe(names[(names.indexOf('count.mp4') - 1 + names.length) % names.length]);
    invoke('/deck/a/clip/select', [0]);
    expect(source()).toBe(names[0]);
    invoke('/deck/a/clip/select', [9999]);
    expect(source()).toBe(names.at(-1));
    // The switch is the source's own: the stage now plays that clip.
    await until(() => stage().status?.current === names.at(-1), 5000, 'the stage playing the selected clip', () => driver.tick());
  });
});

describe('video source: a clip longer than the cache, played from disk', () => {
  // A 1 MB cache holds 18 frames of 160x90: the 48-frame clip plays from disk in windows of 30 frames (1 s).
  const fromDisk = { clipCacheMB: 1 };

  /** Each tick once the frames it needs are decoded (as a second of real play-out allows): the codes shown. */
  async function diskCodes(ticks: number): Promise<(number | null)[]> {
    const shown: (number | null)[] = [];
    for (let i = 0; i < ticks; i++) {
      await until(() => stage().status?.detail?.buffered === true, 20_000, 'the next frames decoded');
      driver.tick();
      shown.push(code());
    }
    return shown;
  }

  async function start(params: Record<string, unknown>): Promise<void> {
    await play(params, fromDisk);
    await until(() => stage().status?.detail?.kind === 'clip', 20_000, 'the clip played from disk', () => driver.tick());
    // The first frame asked for starts its window's decoding.
    driver.tick();
  }

  it('plays frame-exact across windows and loops, and says it plays from disk', async () => {
    await start({ source: 'count.mp4' });
    engine!.actions.invoke('/deck/a/retrigger', [], 0);
    await diskCodes(1);
    const lateBefore = stage().status!.detail!.late;
    expect(await diskCodes(50)).toEqual([...Array.from({ length: 47 }, (_, i) => i + 1), 0, 1, 2]);
    // The loop back to the start was decoded before it came: no frame shown late.
    expect(stage().status!.detail!.late).toBe(lateBefore);
    expect(stage().status).toMatchObject({ state: 'loaded', detail: { kind: 'clip', frames: 48 } });
    expect(stage().status!.detail!.seeks).toBeGreaterThanOrEqual(2);
  });

  it('reverse, ping-pong and a scrub land on the frames they should', async () => {
    await start({ source: 'count.mp4', reverse: true });
    engine!.actions.invoke('/deck/a/retrigger', [], 0);
    // Backwards over the window boundary (30 | 29).
    expect(await diskCodes(20)).toEqual(Array.from({ length: 20 }, (_, i) => 47 - i));
    engine!.params.set('/deck/a/source/reverse', false);
    engine!.params.set('/deck/a/source/loop', 'ping-pong');
    engine!.params.set('/deck/a/source/position', 44 / 47);
    // The scrub lands, the tick plays on to 45 (late: the run from there starts now), then on and back.
    driver.tick();
    expect(await diskCodes(5)).toEqual([46, 47, 46, 45, 44]);
    engine!.params.set('/deck/a/source/playing', false);
    engine!.params.set('/deck/a/source/position', 5 / 47);
    expect(await diskCodes(2)).toEqual([5, 5]);
  });

  it('starts on its first frame however long ffmpeg takes to deliver it, and says it is starting meanwhile', async () => {
    await start({ source: 'count.mp4' });
    // Ticks with no chance for a decoded frame to arrive (the reader's messages need this event loop).
    for (let i = 0; i < 6; i++) driver.tick();
    expect(stage().status).toMatchObject({ state: 'loading', detail: { state: 'starting', kind: 'clip', late: 0 } });
    expect(await diskCodes(3)).toEqual([0, 1, 2]);
    expect(stage().status).toMatchObject({ state: 'loaded', detail: { state: 'playing', late: 0 } });
  });

  it('shows a frame whose window is not decoded yet as late, holding the last one', async () => {
    await makeCodedClip(path.join(media, 'long.mp4'), { frames: 100, width: W, height: H, fps: 30 });
    await start({ source: 'long.mp4', playing: false });
    await diskCodes(1);
    // A jump to a window neither playing nor next, ticked at once: the frame cannot be there yet.
    engine!.params.set('/deck/a/source/position', 70 / 99);
    driver.tick();
    expect(code()).toBe(0);
    expect(stage().status!.detail!.late).toBeGreaterThanOrEqual(1);
    expect(await diskCodes(1)).toEqual([70]);
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
    ['a path instead of a name in the media folder', '../../etc/passwd', /must be a file or folder name in the media folder/],
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
