import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualDriver } from '../../core/driver.js';
import { silentLog } from '../../core/log.js';
import { buildEngine } from '../../host/build-engine.js';
import type { Engine } from '../../host/engine.js';
import { checkShow } from '../../host/show.js';
import { registerBuiltins } from '../../pipelines/builtins/index.js';
import { PipelineRegistry } from '../../pipelines/registry.js';
import { listClips } from '../../pipelines/video/clip-bank.js';
import { tempDir } from '../helpers/host-process.js';
import { until } from '../helpers/until.js';

// A folder of real pictures decoded by sharp, played on the manual clock (120 BPM, 30 fps: a beat is 15 ticks).
const W = 64;
const H = 36;
const media = tempDir('slides');
const registry = new PipelineRegistry();
registerBuiltins(registry);
let engine: Engine | null = null;
let driver: ManualDriver;
const COLOURS = { red: [255, 0, 0], green: [0, 255, 0], blue: [0, 0, 255] } as const;

async function picture(file: string, [r, g, b]: readonly number[]): Promise<void> {
  await sharp({ create: { width: W, height: H, channels: 4, background: { r: r!, g: g!, b: b!, alpha: 1 } } }).png().toFile(file);
}

beforeAll(async () => {
  fs.mkdirSync(path.join(media, 'stills'));
  await picture(path.join(media, 'stills', '1-red.png'), COLOURS.red);
  await picture(path.join(media, 'stills', '2-green.png'), COLOURS.green);
  await picture(path.join(media, 'stills', '3-blue.png'), COLOURS.blue);
  fs.writeFileSync(path.join(media, 'stills', 'notes.txt'), 'not a picture: left out');
  fs.mkdirSync(path.join(media, 'broken'));
  await picture(path.join(media, 'broken', '1-red.png'), COLOURS.red);
  fs.writeFileSync(path.join(media, 'broken', '2-garbage.png'), 'this is not a png');
  await picture(path.join(media, 'broken', '3-blue.png'), COLOURS.blue);
  fs.mkdirSync(path.join(media, 'empty'));
});

afterEach(async () => {
  await engine?.stop();
  engine = null;
});

afterAll(() => fs.rmSync(media, { recursive: true, force: true }));

async function play(params: Record<string, unknown>): Promise<void> {
  const show = checkShow({ size: `${W}x${H}`, fps: 30, bpm: 120, decks: [{ id: 'a', source: { pipeline: 'video', params } }], osc: { enabled: false }, media: { dir: media } }, registry);
  driver = new ManualDriver();
  engine = await buildEngine(show, registry, { driver, log: silentLog });
  await engine.start();
}

const stage = () => engine!.stats().stages[0]!;
const middle = (): number[] => [...engine!.lastFrame!.data.subarray(((H / 2) * W + W / 2) * 4, ((H / 2) * W + W / 2) * 4 + 3)];
const name = (rgb: number[]): string => Object.entries(COLOURS).find(([, c]) => c.every((v, i) => v === rgb[i]))?.[0] ?? rgb.join(',');

/** Ticks, each once the picture coming next is decoded (as real time allows), and names the colour shown. */
async function shown(ticks: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < ticks; i++) {
    await until(() => (stage().status?.detail?.decoded as number) >= 2, 10_000, 'the next picture decoded');
    driver.tick();
    out.push(name(middle()));
  }
  return out;
}

async function started(params: Record<string, unknown>): Promise<void> {
  await play(params);
  await until(() => stage().status?.state === 'loaded', 10_000, 'the first picture', () => driver.tick());
}

describe('video source: a folder of pictures as a slideshow', () => {
  it('moves on with each beat, in name order, round again', async () => {
    await started({ source: 'stills', slideOn: 'beat', slideFade: 0 });
    const colours = await shown(60);
    // Runs of one colour, changing where the beat does (every 15 ticks).
    const changes = colours.flatMap((c, i) => (i > 0 && c !== colours[i - 1] ? [i] : []));
    expect(changes.length).toBe(4);
    expect(changes[1]! - changes[0]!).toBe(15);
    expect(changes[2]! - changes[1]!).toBe(15);
    const order = [colours[0], ...changes.map((i) => colours[i])];
    const start = order.indexOf('red');
    expect([...order.slice(start), ...order.slice(0, start)].slice(0, 3)).toEqual(['red', 'green', 'blue']);
    expect(stage().status).toMatchObject({ current: 'stills', detail: { kind: 'slideshow', frames: 3 } });
  });

  it('crossfades over slideFade, and moves every N seconds', async () => {
    await started({ source: 'stills/', slideOn: 'seconds', slideSeconds: 1, slideFade: 0.5 });
    engine!.actions.invoke('/deck/a/retrigger', [], 0);
    // Red for a second from the retrigger (30 ticks; the fade towards green starts at 0 on the 31st)...
    expect(new Set(await shown(31))).toEqual(new Set(['red']));
    // ...and is half way 7 ticks (0.23 s of 0.5) later.
    await shown(7);
    const [r, g] = middle();
    expect(r).toBeGreaterThan(60);
    expect(g).toBeGreaterThan(60);
    const after = await shown(15);
    expect(after.at(-1)).toBe('green');
  });

  it('a scrub picks the picture, a retrigger goes back to the first', async () => {
    await started({ source: 'stills', slideOn: 'off', slideFade: 0 });
    engine!.params.set('/deck/a/source/position', 1);
    expect((await shown(2)).at(-1)).toBe('blue');
    engine!.params.set('/deck/a/source/position', 0.5);
    expect((await shown(2)).at(-1)).toBe('green');
    engine!.actions.invoke('/deck/a/retrigger', [], 0);
    expect((await shown(2)).at(-1)).toBe('red');
  });

  it('skips a picture that cannot be read, naming it, and plays on', async () => {
    await started({ source: 'broken', slideOn: 'beat', slideFade: 0 });
    const colours = await shown(50);
    expect(new Set(colours)).toEqual(new Set(['red', 'blue']));
    expect(stage().status!.error).toMatch(/2-garbage\.png/);
  });

  it('a folder with no pictures says so; the show runs on', async () => {
    await play({ source: 'empty' });
    await until(() => stage().status?.state === 'error', 10_000, 'the error shown', () => driver.tick());
    expect(stage().status!.error).toMatch(/slideshow "empty\/": no pictures/);
    const before = engine!.stats().frames;
    driver.tick(3);
    expect(engine!.stats().frames).toBe(before + 3);
  });

  it('the clip bank lists the folder as a slideshow with its pictures counted', () => {
    const bank = listClips(media);
    expect(bank.clips.find((c) => c.name === 'stills/')).toMatchObject({ kind: 'slideshow', pictures: 3 });
    expect(bank.clips.some((c) => c.name === 'empty/')).toBe(false);
  });
});
