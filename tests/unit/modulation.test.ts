import { describe, expect, it } from 'vitest';
import type { ClockState } from '../../core/clock.js';
import { ManualDriver } from '../../core/driver.js';
import { silentLog } from '../../core/log.js';
import { buildEngine } from '../../host/build-engine.js';
import { checkShow } from '../../host/show.js';
import { applyCurve } from '../../modulators/curves.js';
import { createFilter } from '../../modulators/filters.js';
import { lfoValue } from '../../modulators/lfo.js';
import { TapTempo } from '../../modulators/tap-tempo.js';
import { registerBuiltins } from '../../pipelines/builtins/index.js';
import { PipelineRegistry } from '../../pipelines/registry.js';

const registry = new PipelineRegistry();
registerBuiltins(registry);

async function engineWith(extra: Record<string, unknown> = {}, fps = 30) {
  const show = checkShow(
    {
      size: '32x18',
      fps,
      decks: [{ id: 'a', source: { pipeline: 'solid' }, chain: [{ pipeline: 'feedback', params: { zoom: 1 } }] }],
      ...extra,
    },
    registry,
  );
  const driver = new ManualDriver();
  const engine = await buildEngine(show, registry, { driver, log: silentLog });
  await engine.start();
  return { engine, driver };
}

const filterDefaults = { time: 0.1, rise: 1, fall: 1, minCutoff: 1, beta: 0.05, dCutoff: 1 };

describe('curves', () => {
  it.each([
    ['linear', 0.5, false, 0.5],
    ['exponential', 0.5, false, 0.25],
    ['logarithmic', 1, false, 1],
    ['logarithmic', 0, false, 0],
    ['s-curve', 0.25, false, 0.15625],
    ['s-curve', 0.5, false, 0.5],
    ['stepped', 0.6, false, 2 / 3], // 4 steps: 0, 1/3, 2/3, 1
    ['stepped', 1, false, 1],
    ['exponential', -0.5, true, -0.25], // bipolar keeps the sign
  ] as const)('%s(%f) = %f', (curve, x, bipolar, expected) => {
    expect(applyCurve(curve, x, bipolar, 4)).toBeCloseTo(expected, 6);
  });
});

describe('smoothing filters', () => {
  it('lag covers 63% of a step after one time constant, whatever the frame rate', () => {
    for (const fps of [30, 60, 144]) {
      const lag = createFilter({ ...filterDefaults, type: 'lag', time: 0.5 });
      lag.process(0, 1 / fps);
      let y = 0;
      for (let i = 0; i < fps / 2; i++) y = lag.process(1, 1 / fps);
      expect(y).toBeCloseTo(1 - Math.exp(-1), 6);
    }
  });

  it('slew limits the rate of change in each direction', () => {
    const slew = createFilter({ ...filterDefaults, type: 'slew', rise: 2, fall: 0.5 });
    slew.process(0, 0.1);
    expect(slew.process(1, 0.1)).toBeCloseTo(0.2, 9);
    expect(slew.process(1, 0.25)).toBeCloseTo(0.7, 9);
    expect(slew.process(0, 0.2)).toBeCloseTo(0.6, 9);
  });

  it('one-euro steadies a jittery resting finger yet follows a moving one', () => {
    const f = createFilter({ ...filterDefaults, type: 'one-euro', minCutoff: 1, beta: 0.5 });
    let seed = 3;
    const jitter = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 0.02;
    let maxDeviation = 0;
    for (let i = 0; i < 120; i++) {
      const y = f.process(0.5 + jitter(), 1 / 60);
      if (i > 30) maxDeviation = Math.max(maxDeviation, Math.abs(y - 0.5));
    }
    expect(maxDeviation).toBeLessThan(0.003); // the raw input wanders +-0.01
    let y = 0;
    for (let i = 0; i < 60; i++) y = f.process(0.5 + i / 120, 1 / 60); // a fast 0.5 -> 1 sweep over one second
    expect(y).toBeGreaterThan(0.9);
  });
});

describe('LFO shapes', () => {
  it.each([
    ['sine', 0.25, 1],
    ['sine', 0.75, -1],
    ['triangle', 0.25, 1],
    ['triangle', 0.5, 0],
    ['triangle', 0.75, -1],
    ['saw-up', 0.75, 0.5],
    ['saw-down', 0.75, -0.5],
    ['square', 0.3, 1],
    ['square', 0.7, -1],
  ] as const)('%s at %f cycles = %f', (shape, cycles, expected) => {
    expect(lfoValue(shape, cycles, 0.5, 1)).toBeCloseTo(expected, 9);
  });

  it('random shapes hold one value per cycle (sample-hold) or glide between them (smooth), repeatably', () => {
    expect(lfoValue('sample-hold', 3.1, 0.5, 7)).toBe(lfoValue('sample-hold', 3.9, 0.5, 7));
    expect(lfoValue('sample-hold', 3.1, 0.5, 7)).not.toBe(lfoValue('sample-hold', 4.1, 0.5, 7));
    expect(lfoValue('smooth-random', 3, 0.5, 7)).toBeCloseTo(lfoValue('sample-hold', 3, 0.5, 7), 9);
    expect(lfoValue('smooth-random', 4, 0.5, 7)).toBeCloseTo(lfoValue('sample-hold', 4, 0.5, 7), 9);
    for (let x = 0; x < 50; x += 0.37) expect(Math.abs(lfoValue('smooth-random', x, 0.5, 7))).toBeLessThanOrEqual(1);
  });
});

describe('modulation matrix in the frame loop (manual clock)', () => {
  it('routes a 1 Hz sine LFO with amount 0.5 to zoom: base + amount x range x sin, clamped to the range', async () => {
    const { engine, driver } = await engineWith({
      modulation: { lfos: { lfo1: { shape: 'sine', rate: 1 } }, routes: [{ source: 'lfo1:out', target: '/deck/a/fx/0/zoom', amount: 0.5 }] },
    });
    const zoomAt = (): number => engine.params.get('/deck/a/fx/0/zoom') as number;
    const span = 4 - 0.25;
    const expected = (t: number) => Math.min(4, Math.max(0.25, 1 + 0.5 * span * Math.sin(2 * Math.PI * t)));
    for (let frame = 0; frame < 60; frame++) {
      driver.tick();
      expect(zoomAt(), `frame ${frame}`).toBeCloseTo(expected(frame / 30), 9);
    }
    expect(engine.params.base('/deck/a/fx/0/zoom')).toBe(1); // the base value is untouched
  });

  it('a beat-synced LFO at 1/4 completes one cycle per beat: every 500 ms at 120 BPM, every 250 ms at 240', async () => {
    const { engine, driver } = await engineWith(
      { modulation: { lfos: { lfo2: { shape: 'saw-up', sync: true, division: '1/4' } }, routes: [] } },
      100,
    );
    const read = () => engine.modulation.bus.valueOf('lfo2:uni')!;
    driver.tick(1); // t = 0
    expect(read()).toBeCloseTo(0, 9);
    driver.tick(25); // t = 0.25 s: half a beat
    expect(read()).toBeCloseTo(0.5, 6);
    driver.tick(25); // t = 0.5 s: a whole cycle
    expect(read()).toBeCloseTo(0, 6);
    engine.params.set('/clock/bpm', 240);
    driver.tick(25); // 0.25 s at 240 BPM: one whole beat, so one whole cycle
    expect(read()).toBeCloseTo(0, 6);
    driver.tick(12); // 0.12 s: 0.48 of a beat
    expect(read()).toBeCloseTo(0.48, 6);
  });

  it('a free-running LFO with retrigger restarts its cycle on every beat', async () => {
    // 0.5 Hz saw at 120 BPM: without retrigger it would take 4 beats to wrap; with it, it wraps on each beat.
    const { engine, driver } = await engineWith({ modulation: { lfos: { lfo1: { shape: 'saw-up', rate: 0.5, retrigger: true } }, routes: [] } }, 100);
    const read = () => engine.modulation.bus.valueOf('lfo1:uni')!;
    driver.tick(50); // frames 0..49: just before the first beat (t = 0.49 s)
    expect(read()).toBeCloseTo(0.245, 6);
    driver.tick(1); // t = 0.5 s: the beat
    expect(read()).toBeCloseTo(0, 6);
    driver.tick(25); // a quarter second into the second beat
    expect(read()).toBeCloseTo(0.125, 6);
  });

  it('combines routes on one target with add, max and last, in route order', async () => {
    const { engine, driver } = await engineWith({
      modulation: {
        lfos: { lfo1: { shape: 'square', rate: 0.01 }, lfo2: { shape: 'square', rate: 0.01, phase: 0.6 } },
        routes: [
          { id: 'up', source: 'lfo1:uni', target: '/deck/a/fx/0/mix', amount: 0.2, offset: 0 },
          { id: 'down', source: 'lfo2:uni', target: '/deck/a/fx/0/mix', amount: 0.1, offset: 0.05, combine: 'add' },
        ],
      },
    });
    engine.params.set('/deck/a/fx/0/mix', 0.5);
    driver.tick();
    // lfo1 high (1) -> 0.2; lfo2 low (0) -> 0.05; add: 0.5 + 0.25
    expect(engine.params.get('/deck/a/fx/0/mix')).toBeCloseTo(0.75, 9);
    engine.modulation.matrix.updateRoute('down', { combine: 'max' });
    driver.tick();
    expect(engine.params.get('/deck/a/fx/0/mix')).toBeCloseTo(0.7, 9);
    engine.modulation.matrix.updateRoute('down', { combine: 'last' });
    driver.tick();
    expect(engine.params.get('/deck/a/fx/0/mix')).toBeCloseTo(0.55, 9);
    engine.modulation.matrix.removeRoute('down');
    engine.modulation.matrix.removeRoute('up');
    driver.tick();
    expect(engine.params.get('/deck/a/fx/0/mix')).toBe(0.5); // back to base when unrouted
  });

  it('inverts, remaps the input range and bends by the curve', async () => {
    const { engine, driver } = await engineWith({
      modulation: { routes: [{ id: 'r', source: 'osc:/1/fader1', target: '/deck/a/fx/0/decay', amount: 1, inputRange: [0.2, 0.6], invert: true, curve: 'exponential' }] },
    });
    const slot = engine.modulation.bus.slot('osc:/1/fader1')!;
    engine.modulation.bus.set(slot, 0.3, 0); // (0.3 - 0.2) / 0.4 = 0.25 -> inverted 0.75 -> squared 0.5625
    driver.tick();
    expect(engine.params.get('/deck/a/fx/0/decay')).toBeCloseTo(0.5625, 9);
  });

  it('a learned knob (absolute) holds the value until the surface moves it; then it takes it back by passing through the value, or (jump) by moving', async () => {
    const { engine, driver } = await engineWith({
      modulation: { routes: [{ id: 'knob', source: 'osc:/1/knob', target: '/deck/a/fx/0/decay', amount: 1, combine: 'last', absolute: true }] },
    });
    const { bus, matrix } = engine.modulation;
    const knob = (v: number) => {
      bus.set(bus.slot('osc:/1/knob')!, v, 0);
      driver.tick();
      return engine.params.get('/deck/a/fx/0/decay');
    };
    const holding = () => matrix.routeLevels().find((l) => l.id === 'knob')!.holding;
    expect(knob(0.8)).toBeCloseTo(0.8, 9);
    expect(holding()).toBe(true);
    engine.params.set('/deck/a/fx/0/decay', 0.3); // the surface's fader
    driver.tick();
    expect(engine.params.get('/deck/a/fx/0/decay')).toBeCloseTo(0.3, 9);
    expect(holding()).toBe(false);
    // The knob, still far above, moves without the value leaping to it…
    expect(knob(0.7)).toBeCloseTo(0.3, 9);
    expect(knob(0.4)).toBeCloseTo(0.3, 9);
    // …until it passes through the value (between two messages): from there it moves it again.
    expect(knob(0.25)).toBeCloseTo(0.25, 9);
    expect(holding()).toBe(true);
    expect(knob(0.6)).toBeCloseTo(0.6, 9);
    // Coming near the value counts too.
    engine.params.set('/deck/a/fx/0/decay', 0.9);
    driver.tick();
    expect(knob(0.5)).toBeCloseTo(0.9, 9);
    expect(knob(0.89)).toBeCloseTo(0.89, 9);

    matrix.updateRoute('knob', { takeover: 'jump' });
    engine.params.set('/deck/a/fx/0/decay', 0.2);
    driver.tick();
    driver.tick();
    expect(engine.params.get('/deck/a/fx/0/decay')).toBeCloseTo(0.2, 9); // the resting knob leaves it
    expect(knob(0.7)).toBeCloseTo(0.7, 9); // its next move takes it
  });

  it('tells the future of beat-locked signals: clock, synced and free LFOs, an envelope fired on the beat, as they are that much later', async () => {
    const { engine, driver } = await engineWith({
      modulation: { lfos: { lfo1: { sync: true, division: '1 bar', shape: 'triangle' }, lfo2: { rate: 0.7, shape: 'sine' } }, envelopes: { env1: { triggerOn: 'beat', attack: 0.05, decay: 0.3 } } },
    });
    const { bus, lookahead } = engine.modulation;
    let clock: ClockState | null = null;
    engine.addClockListener((c) => (clock = c));
    const names = ['clock:beat', 'clock:bar', 'clock:pulse', 'lfo1:out', 'lfo2:out', 'env1:out'];
    driver.tick(7);
    // A lane half a second (15 frames) ahead of frame 7, as the host sets one for a model's stages.
    lookahead.count = 1;
    lookahead.delays[0] = 500;
    lookahead.prepare(clock!, bus, engine.modulation.generatorList());
    const predicted = names.map((n) => lookahead.values(0)[bus.slot(n)!]!);
    driver.tick(15);
    const actual = names.map((n) => bus.valueOf(n)!);
    names.slice(0, 5).forEach((n, i) => expect([n, predicted[i]]).toEqual([n, expect.closeTo(actual[i]!, 6) as unknown]));
    // The envelope itself runs frame by frame (its attack ends between frames): within one frame of its decay.
    expect(Math.abs(predicted[5]! - actual[5]!)).toBeLessThanOrEqual(1 / 30 / 0.3);
    expect(actual[5]).toBeGreaterThan(0); // the envelope did fire on the beat
  });

  it('is deterministic for a given clock, random shapes included', async () => {
    const run = async () => {
      const { engine, driver } = await engineWith({
        modulation: { lfos: { lfo3: { shape: 'smooth-random', rate: 3 } }, routes: [{ source: 'lfo3:out', target: '/deck/a/fx/0/rotation', amount: 0.1 }] },
      });
      const values: number[] = [];
      for (let i = 0; i < 50; i++) {
        driver.tick();
        values.push(engine.params.get('/deck/a/fx/0/rotation') as number);
      }
      return values;
    };
    const a = await run();
    expect(new Set(a).size).toBeGreaterThan(40);
    expect(await run()).toEqual(a);
  });

  it('modulates an LFO’s own rate from another signal', async () => {
    const { engine, driver } = await engineWith({
      modulation: { lfos: { lfo1: { rate: 1 } }, routes: [{ source: 'osc:/rate', target: '/lfo/lfo1/rate', amount: 0.25 }] },
    });
    engine.modulation.bus.set(engine.modulation.bus.slot('osc:/rate')!, 1, 0);
    driver.tick();
    expect(engine.params.get('/lfo/lfo1/rate')).toBeCloseTo(1 + 0.25 * (40 - 0.01), 6);
  });

  it('refuses bad routes naming the field: unknown target, unmodulatable target, unknown source, bad values', async () => {
    const { engine } = await engineWith();
    const m = engine.modulation.matrix;
    expect(m.addRoute({ source: 'lfo1:out', target: '/deck/a/fx/0/zooom' })).toMatchObject({ ok: false, problems: ['route.target: no parameter "/deck/a/fx/0/zooom"'] });
    expect(m.addRoute({ source: 'lfo1:out', target: '/deck/a/fx/0/key' })).toMatchObject({ ok: false, problems: ['route.target: "/deck/a/fx/0/key" is not modulatable (a enum)'] });
    const unknown = m.addRoute({ source: 'lfo9:out', target: '/mixer/crossfade' });
    expect(unknown.ok).toBe(false);
    expect(!unknown.ok && unknown.problems[0]).toMatch(/^route\.source: unknown signal "lfo9:out" \(known: clock:beat, /);
    expect(m.addRoute({ source: 'lfo1:out', target: '/mixer/crossfade', amount: 9, curve: 'wobbly' })).toMatchObject({
      ok: false,
      problems: ['route.amount: must be <= 4', 'route.curve: must be one of "linear", "exponential", "logarithmic", "s-curve", "stepped"'],
    });
    expect(m.routes().length).toBe(0);
  });

  it('a show with a bad route does not build, and says which', async () => {
    await expect(engineWith({ modulation: { routes: [{ source: 'lfo1:out', target: '/nope' }] } })).rejects.toThrow(
      'modulation.routes[0].target: no parameter "/nope"',
    );
  });
});

describe('tap tempo', () => {
  it('taps every 500 ms give 120 BPM; one sloppy tap does not move the median', () => {
    const tap = new TapTempo();
    expect(tap.tap(1000)).toBeNull();
    expect(tap.tap(1500)).toBeCloseTo(120, 9);
    expect(tap.tap(2000)).toBeCloseTo(120, 9);
    expect(tap.tap(2560)).toBeCloseTo(120, 9); // late
    expect(tap.tap(3000)).toBeCloseTo(120, 9);
  });

  it('starts over after a pause and ignores bounces', () => {
    const tap = new TapTempo();
    tap.tap(0);
    tap.tap(500);
    expect(tap.tap(5000)).toBeNull(); // pause: a new sequence
    expect(tap.tap(5020)).toBeNull(); // bounce
    expect(tap.tap(5400)).toBeCloseTo(150, 9);
  });

  it('/clock/tap through the frame loop sets the BPM and lands the beat on the tap', async () => {
    const { engine, driver } = await engineWith();
    for (let i = 0; i < 4; i++) {
      engine.actions.invoke('/clock/tap', [], 1000 + i * 400);
      driver.tick();
    }
    expect(engine.stats().clock.bpm).toBeCloseTo(150, 6);
    expect(engine.stats().clock.beat % 1).toBeCloseTo(0, 6); // the frame of the last tap is on the beat
    driver.tick(6); // 0.2 s at 150 BPM = half a beat
    expect(engine.stats().clock.beat % 1).toBeCloseTo(0.5, 6);
  });
});

describe('envelopes', () => {
  it('AD: a trigger rises over the attack and falls over the decay; the gate starts it too', async () => {
    const { engine, driver } = await engineWith({ modulation: { envelopes: { env1: { mode: 'ad', attack: 0.1, decay: 0.2 } }, routes: [] } }, 100);
    const level = () => engine.modulation.bus.valueOf('env1:out')!;
    driver.tick(1);
    expect(level()).toBe(0);
    engine.actions.invoke('/env/env1/trigger', [], 0);
    driver.tick(5);
    expect(level()).toBeCloseTo(0.5, 6);
    driver.tick(5);
    expect(level()).toBeCloseTo(1, 6);
    driver.tick(10);
    expect(level()).toBeCloseTo(0.5, 6);
    driver.tick(20);
    expect(level()).toBe(0);
    engine.params.set('/env/env1/gate', true);
    driver.tick(3); // the gate lands on the first of these frames, which already rises
    expect(level()).toBeCloseTo(0.3, 6);
  });

  it('ADSR holds the sustain while the gate is on and releases when it goes off', async () => {
    const { engine, driver } = await engineWith({ modulation: { envelopes: { env2: { mode: 'adsr', attack: 0, decay: 0.1, sustain: 0.6, release: 0.2 } }, routes: [] } }, 100);
    const level = () => engine.modulation.bus.valueOf('env2:out')!;
    engine.params.set('/env/env2/gate', 1);
    driver.tick(30);
    expect(level()).toBeCloseTo(0.6, 6);
    engine.params.set('/env/env2/gate', 0);
    driver.tick(10); // half the release time: half the sustain level
    expect(level()).toBeCloseTo(0.3, 6);
    driver.tick(20);
    expect(level()).toBe(0);
  });
});
