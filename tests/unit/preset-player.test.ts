import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { until } from '../helpers/until.js';
import { ManualDriver } from '../../core/driver.js';
import { silentLog } from '../../core/log.js';
import { rgbToOklab, oklabToRgb } from '../../core/oklab.js';
import { buildEngine } from '../../host/build-engine.js';
import { setupPresets } from '../../host/presets-setup.js';
import { checkShow } from '../../host/show.js';
import { registerBuiltins } from '../../pipelines/builtins/index.js';
import { PipelineRegistry } from '../../pipelines/registry.js';
import { CollectingOutput } from '../helpers/collecting-output.js';
import { tempDir } from '../helpers/host-process.js';
import { recordingLog } from '../helpers/recording-log.js';

const registry = new PipelineRegistry();
registerBuiltins(registry);
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** Every built-in pipeline in one show, on a manual clock at 30 fps / 120 BPM (a beat every 15 frames). */
async function setup(cues: unknown[] = []) {
  const dir = tempDir('player');
  dirs.push(dir);
  const show = checkShow(
    {
      size: '32x18',
      decks: [
        { id: 'a', source: { pipeline: 'test-pattern' }, chain: [{ pipeline: 'feedback' }] },
        { id: 'b', source: { pipeline: 'gradient' }, chain: [{ pipeline: 'feedback' }] },
      ],
      presets: { dir, cues, autosave: false },
    },
    registry,
  );
  const driver = new ManualDriver();
  const engine = await buildEngine(show, registry, { driver, log: silentLog });
  const output = new CollectingOutput('c', false);
  engine.addOutput(output);
  const presets = setupPresets(engine, show.presets, silentLog, { resume: false });
  await presets.ready;
  await engine.start();
  driver.tick();
  return { engine, driver, presets, output };
}

let seed = 11;
function random(): number {
  seed = (seed * 16807) % 2147483647;
  return seed / 2147483647;
}

describe('preset recall in the frame loop (manual clock)', () => {
  it('save -> list -> recall restores every parameter of every pipeline exactly', async () => {
    const { engine, driver, presets } = await setup();
    const entries = engine.params.list().filter((e) => !e.path.startsWith('/preset/'));
    for (const e of entries) {
      const i = e.info;
      const value =
        i.kind === 'number' ? (i.min ?? 0) + random() * ((i.max ?? 1) - (i.min ?? 0))
        : i.kind === 'integer' ? Math.round((i.min ?? 0) + random() * ((i.max ?? 10) - (i.min ?? 0)))
        : i.kind === 'boolean' ? random() > 0.5
        : i.kind === 'enum' ? i.options![Math.floor(random() * i.options!.length)]
        : i.kind === 'color' ? `#${Math.floor(random() * 0xffffff).toString(16).padStart(6, '0')}`
        : e.base;
      engine.params.set(e.path, value);
    }
    driver.tick();
    const expected = Object.fromEntries(entries.map((e) => [e.path, e.base]));
    await presets.capture('Everything');
    for (const e of entries) engine.params.set(e.path, e.info.default);
    driver.tick();
    expect((await presets.store.list()).presets.map((p) => p.name)).toEqual(['Everything']);
    engine.actions.invoke('/preset/recall', ['Everything'], 0);
    driver.tick();
    expect(Object.fromEntries(entries.map((e) => [e.path, e.base]))).toEqual(expected);
    expect(entries.length).toBeGreaterThan(60);
  });

  it('a 2 s morph puts every number at its curve midpoint after 1 s; a choice switches where told', async () => {
    const { engine, driver, presets } = await setup();
    await presets.save({ name: 'Target', params: { '/deck/a/fx/0/zoom': 3, '/mixer/crossfade': 1, '/deck/a/fx/0/key': 'luma' }, transition: { mode: 'morph', duration: 2, unit: 'seconds', curve: 'ease-in-out', switchAt: 'end', quantize: 'none' } });
    await presets.save({ name: 'Linear', params: { '/deck/a/fx/0/zoom': 2 }, transition: { mode: 'morph', duration: 2, unit: 'seconds', curve: 'linear', switchAt: 'middle', quantize: 'none' } });
    engine.actions.invoke('/preset/recall', ['Target'], 0);
    driver.tick(); // the morph starts on this frame
    driver.tick(30); // 1 s later
    expect(engine.params.get('/deck/a/fx/0/zoom')).toBeCloseTo(2, 9); // 1 + (3 - 1) * ease(0.5) = 2
    expect(engine.params.get('/mixer/crossfade')).toBeCloseTo(0.5, 9);
    expect(engine.params.get('/deck/a/fx/0/key')).toBe('none'); // switches at the end
    driver.tick(29);
    expect(engine.params.get('/deck/a/fx/0/key')).toBe('none');
    driver.tick(1);
    expect(engine.params.get('/deck/a/fx/0/key')).toBe('luma');
    expect(engine.params.get('/deck/a/fx/0/zoom')).toBe(3);
    expect(presets.player.state()).toMatchObject({ current: 'Target', morphing: false });

    // Recall during a morph continues from where things are: no jump.
    engine.actions.invoke('/preset/recall', ['Linear'], 0);
    driver.tick(16);
    const midway = engine.params.get('/deck/a/fx/0/zoom') as number;
    engine.actions.invoke('/preset/recall', ['Target'], 0);
    driver.tick();
    expect(Math.abs((engine.params.get('/deck/a/fx/0/zoom') as number) - midway)).toBeLessThan(0.01);
  });

  it('morphs angles the short way round and colours through OKLab', async () => {
    const { engine, driver, presets } = await setup();
    engine.params.set('/deck/a/fx/0/rotation', 170);
    engine.params.set('/deck/b/source/from', '#000000');
    driver.tick();
    await presets.save({ name: 'Turn', params: { '/deck/a/fx/0/rotation': -170, '/deck/b/source/from': '#ffffff' }, transition: { mode: 'morph', duration: 1, unit: 'seconds', curve: 'linear', switchAt: 'middle', quantize: 'none' } });
    engine.actions.invoke('/preset/recall', ['Turn'], 0);
    driver.tick();
    driver.tick(15);
    expect(Math.abs(engine.params.get('/deck/a/fx/0/rotation') as number)).toBeCloseTo(180, 6); // through 180, not through 0
    const black = rgbToOklab([0, 0, 0]);
    const white = rgbToOklab([255, 255, 255]);
    const [r] = oklabToRgb([(black[0] + white[0]) / 2, 0, 0]);
    expect(engine.params.get('/deck/b/source/from')).toBe(`#${r.toString(16).padStart(2, '0').repeat(3)}`);
    expect(r).toBeLessThan(120); // perceptual middle grey, darker than the RGB average 128
  });

  it('a quantised recall starts exactly on the next beat (or bar)', async () => {
    const { engine, driver, presets } = await setup();
    await presets.save({ name: 'Drop', params: { '/mixer/crossfade': 1 }, transition: { mode: 'instant', duration: 0, unit: 'seconds', curve: 'linear', switchAt: 'start', quantize: 'beat' } });
    driver.tick(2); // frames 1..2
    engine.actions.invoke('/preset/recall', ['Drop'], 0);
    const frames: number[] = [];
    for (let f = 3; f <= 20; f++) {
      driver.tick();
      if (engine.params.get('/mixer/crossfade') === 1 && !frames.length) frames.push(f);
    }
    expect(frames).toEqual([15]); // 120 BPM at 30 fps: the next beat is frame 15
    await presets.save({ name: 'Bar', params: { '/mixer/crossfade': 0 }, transition: { mode: 'instant', duration: 0, unit: 'seconds', curve: 'linear', switchAt: 'start', quantize: 'bar' } });
    engine.actions.invoke('/preset/recall', ['Bar'], 0);
    let at = -1;
    for (let f = 21; f <= 70 && at < 0; f++) {
      driver.tick();
      if (engine.params.get('/mixer/crossfade') === 0) at = f;
    }
    expect(at).toBe(60); // next bar: beat 8 = frame 60
  });

  it('recalls by slot, scrubs between A and B with /preset/morph, and the output frame follows', async () => {
    const { engine, driver, presets, output } = await setup();
    await presets.save({ name: 'A', slot: 0, params: { '/mixer/crossfade': 0, '/clock/bpm': 100 } });
    await presets.save({ name: 'B', slot: 1, params: { '/mixer/crossfade': 1, '/clock/bpm': 140 } });
    engine.actions.invoke('/preset/recall', [1], 0);
    driver.tick();
    expect(engine.params.get('/mixer/crossfade')).toBe(1);
    const beforePixel = output.frames.at(-2)!.pixel0;
    expect(output.frames.at(-1)!.pixel0).not.toEqual(beforePixel); // deck B now shows
    engine.params.set('/preset/a', 'A');
    engine.params.set('/preset/b', 'B');
    engine.params.set('/preset/morph', 0.25);
    driver.tick();
    driver.tick();
    expect(engine.params.get('/mixer/crossfade')).toBeCloseTo(0.25, 9);
    expect(engine.params.get('/clock/bpm')).toBeCloseTo(110, 9);
  });

  it('runs a cue list: go, go, previous, jump, with per-cue transitions', async () => {
    const { engine, driver, presets } = await setup([
      { preset: 'One' },
      { preset: 'Two', transition: { mode: 'morph', duration: 1, unit: 'beats' } },
      { preset: 'Three' },
    ]);
    await presets.save({ name: 'One', params: { '/clock/bpm': 101 } });
    await presets.save({ name: 'Two', params: { '/clock/bpm': 102 } });
    await presets.save({ name: 'Three', params: { '/clock/bpm': 103 } });
    const bpm = () => engine.params.get('/clock/bpm');
    engine.actions.invoke('/cue/go', [], 0);
    driver.tick();
    expect(bpm()).toBe(101);
    engine.actions.invoke('/cue/go', [], 0);
    driver.tick(); // the morph starts from where things are
    expect(bpm()).toBe(101);
    driver.tick();
    expect(bpm()).toBeGreaterThan(101);
    expect(bpm()).toBeLessThan(102); // a one-beat morph
    driver.tick(40);
    expect(bpm()).toBe(102);
    engine.actions.invoke('/cue/previous', [], 0);
    driver.tick();
    expect(bpm()).toBe(101);
    engine.actions.invoke('/cue/jump', [2], 0);
    driver.tick();
    expect(bpm()).toBe(103);
    expect(presets.cues.index).toBe(2);
  });
});

describe('presets that change pipelines', () => {
  it('rebuilds the deck off the frame loop, crossfades from the old chain, moves the parameters, drops orphaned routes', async () => {
    const dir = tempDir('player-decks');
    dirs.push(dir);
    const show = checkShow(
      {
        size: '32x18', fps: 30,
        decks: [{ id: 'a', source: { pipeline: 'solid', params: { color: '#000000' } }, chain: [{ pipeline: 'feedback', params: { mix: 0 } }] }],
        modulation: { routes: [{ id: 'spin', source: 'lfo1:out', target: '/deck/a/fx/0/rotation', amount: 0.01 }] },
        presets: { dir, autosave: false },
      },
      registry,
    );
    const driver = new ManualDriver();
    const engine = await buildEngine(show, registry, { driver, log: silentLog });
    const output = new CollectingOutput('c', false);
    engine.addOutput(output);
    const warnings: string[] = [];
    const presets = setupPresets(engine, show.presets, recordingLog(warnings), { resume: false, registry });
    await presets.ready;
    await engine.start();
    driver.tick();
    await presets.save({
      name: 'White gradient', params: {},
      decks: { a: { source: { pipeline: 'gradient', params: { from: '#ffffff', to: '#ffffff' } }, chain: [] } },
      transition: { mode: 'morph', duration: 1, unit: 'seconds', curve: 'linear', switchAt: 'middle', quantize: 'none' },
    });
    engine.actions.invoke('/preset/recall', ['White gradient'], 0);
    driver.tick();
    await until(() => engine.params.has('/deck/a/source/from'), 5000, 'deck a rebuilt with the gradient');
    expect(engine.params.has('/deck/a/fx/0/zoom')).toBe(false);
    expect(engine.modulation.matrix.routes()).toEqual([]);
    expect(warnings.some((w) => w.includes('routes to parameters it no longer has were dropped (spin)'))).toBe(true);
    driver.tick(16); // half-way through the 1 s crossfade from black to white
    const grey = output.frames.at(-1)!.pixel0[0]!;
    expect(grey).toBeGreaterThan(90);
    expect(grey).toBeLessThan(170);
    driver.tick(20);
    expect(output.frames.at(-1)!.pixel0).toEqual([255, 255, 255, 255]);
    expect(engine.deckStructure()[0]).toMatchObject({ source: { pipeline: 'gradient' }, chain: [] });

    await presets.save({ name: 'Bad', params: {}, decks: { a: { source: { pipeline: 'feedback', params: {} }, chain: [] } } });
    engine.actions.invoke('/preset/recall', ['Bad'], 0);
    driver.tick();
    await until(() => warnings.some((w) => w.includes('"Bad" not recalled')), 5000, 'the refusal logged');
    expect(warnings.some((w) => /"Bad" not recalled: decks\.a\.source\.pipeline: "feedback" is of kind effect/.test(w))).toBe(true);
    expect(engine.deckStructure()[0]!.source.pipeline).toBe('gradient');
  });

  it('a flood of recalls of presets that do not exist logs one line a second, with a count, not one each', async () => {
    const dir = tempDir('recall-flood');
    dirs.push(dir);
    const show = checkShow({ size: '32x18', decks: [{ id: 'a', source: { pipeline: 'solid' }, chain: [] }], presets: { dir, autosave: false } }, registry);
    const driver = new ManualDriver();
    const engine = await buildEngine(show, registry, { driver, log: silentLog });
    const lines: string[] = [];
    await setupPresets(engine, show.presets, recordingLog(lines), { resume: false }).ready;
    await engine.start();
    for (let i = 0; i < 500; i++) engine.actions.invoke('/preset/recall', [`nope ${i}`], 0);
    driver.tick();
    expect(lines.filter((l) => l.includes('preset recall: nothing at'))).toHaveLength(1);
    await engine.stop();
  });
});
