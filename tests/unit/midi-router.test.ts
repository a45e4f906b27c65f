import { describe, expect, it } from 'vitest';
import { ManualDriver } from '../../core/driver.js';
import { silentLog } from '../../core/log.js';
import { buildEngine } from '../../host/build-engine.js';
import { MidiFeedback } from '../../inputs/midi/midi-feedback.js';
import { MidiRouter } from '../../inputs/midi/midi-router.js';
import { checkShow } from '../../host/show.js';
import { registerBuiltins } from '../../pipelines/builtins/index.js';
import { PipelineRegistry } from '../../pipelines/registry.js';

// No MIDI device can exist on these machines (no ALSA sequencer): these tests feed raw bytes into the
// router exactly as the RtMidi callback does (MidiDevices -> router.receive), and capture what would be
// sent to a controller's output.

const registry = new PipelineRegistry();
registerBuiltins(registry);

async function setup() {
  const show = checkShow(
    { size: '32x18', fps: 100, decks: [{ id: 'a', source: { pipeline: 'test-pattern' }, chain: [{ pipeline: 'feedback' }] }] },
    registry,
  );
  const driver = new ManualDriver();
  const engine = await buildEngine(show, registry, { driver, log: silentLog });
  await engine.start();
  const router = new MidiRouter(engine, silentLog);
  return { engine, driver, router };
}

const PORT = 'Launch Control XL:0';
const KEY = 'Launch-Control-XL-0';

describe('MIDI into the host', () => {
  it('controls become signals the first time they move, named by port, channel and control', async () => {
    const { engine, router } = await setup();
    router.receive(PORT, [0xb0, 74, 127, 0x90, 60, 64, 0xe0, 0, 0x40, 0xd1, 127], 0);
    const bus = engine.modulation.bus;
    expect(bus.valueOf(`midi:${KEY}/ch1/cc74`)).toBe(1);
    expect(bus.valueOf(`midi:${KEY}/ch1/note60`)).toBeCloseTo(64 / 127, 9);
    expect(bus.valueOf(`midi:${KEY}/ch1/note60/gate`)).toBe(1);
    expect(bus.valueOf(`midi:${KEY}/ch1/pb`)).toBe(0);
    expect(bus.valueOf(`midi:${KEY}/ch2/pressure`)).toBe(1);
    router.receive(PORT, [0x80, 60, 0], 1);
    expect(bus.valueOf(`midi:${KEY}/ch1/note60`)).toBe(0);
    expect(bus.valueOf(`midi:${KEY}/ch1/note60/gate`)).toBe(0);
    // 14-bit: MSB then LSB refine the same signal.
    router.receive(PORT, [0xb0, 1, 64, 33, 0], 2);
    expect(bus.valueOf(`midi:${KEY}/ch1/cc1`)).toBeCloseTo(8192 / 16383, 9);
  });

  it('MIDI learn on a number: the next knob sweeps the whole range, on the next frame', async () => {
    const { engine, driver, router } = await setup();
    const learned: unknown[] = [];
    router.onLearned((r) => learned.push(r));
    expect(router.arm('/deck/a/fx/0/zoom')).toEqual({ ok: true });
    router.receive(PORT, [0xb0, 21, 0], 0);
    expect(learned).toEqual([{ target: '/deck/a/fx/0/zoom', source: `midi:${KEY}/ch1/cc21`, kind: 'route' }]);
    driver.tick();
    expect(engine.params.get('/deck/a/fx/0/zoom')).toBe(0.25);
    let at = 1;
    /** The knob turned to `value` (0..127), and the zoom on the next frame. */
    const turn = (value: number): unknown => {
      router.receive(PORT, [0xb0, 21, value], at++);
      driver.tick();
      return engine.params.get('/deck/a/fx/0/zoom');
    };
    expect(turn(127)).toBe(4);
    expect(turn(64)).toBeCloseTo(0.25 + (64 / 127) * 3.75, 9);
    // The value set elsewhere (the surface) takes it from the knob, which picks it up again by passing through it.
    engine.params.set('/deck/a/fx/0/zoom', 3);
    driver.tick();
    expect(engine.params.get('/deck/a/fx/0/zoom')).toBe(3);
    expect(turn(80)).toBe(3);
    expect(turn(127)).toBe(4);
    expect(engine.modulation.matrix.routes().map((r) => r.id)).toEqual(['learn.deck.a.fx.0.zoom']);
  });

  it('MIDI learn: a pad toggles a boolean, a pad triggers an action, a knob selects a choice', async () => {
    const { engine, driver, router } = await setup();
    router.arm('/deck/a/source/disc');
    router.receive(PORT, [0x99, 36, 100, 0x89, 36, 0], 0);
    driver.tick();
    expect(engine.params.get('/deck/a/source/disc')).toBe(false); // the learning press toggled it
    router.receive(PORT, [0x99, 36, 100, 0x89, 36, 0], 1);
    driver.tick();
    expect(engine.params.get('/deck/a/source/disc')).toBe(true);

    router.arm('/env/env1/trigger');
    router.receive(PORT, [0x99, 37, 127, 0x89, 37, 0], 2);
    router.receive(PORT, [0x99, 37, 127], 3);
    driver.tick(3);
    expect(engine.modulation.bus.valueOf('env1:out')).toBeGreaterThan(0);

    router.arm('/mixer/mode');
    router.receive(PORT, [0xb0, 50, 127], 4);
    driver.tick();
    expect(engine.params.get('/mixer/mode')).toBe('alpha');
    router.receive(PORT, [0xb0, 50, 40], 5);
    driver.tick();
    expect(engine.params.get('/mixer/mode')).toBe('add');
    expect(router.mappings.list().map((m) => m.mode)).toEqual(['toggle', 'trigger', 'select']);
    expect(router.arm('/nope')).toEqual({ ok: false, error: '/nope: no such parameter or action' });
  });

  it('program changes and notes reach their listeners (preset recall hooks)', async () => {
    const { router } = await setup();
    const programs: unknown[] = [];
    const notes: unknown[] = [];
    router.onProgramChange((e) => programs.push(e));
    router.onNote((e) => notes.push(e));
    router.receive(PORT, [0xc2, 5, 0x90, 48, 90], 7);
    expect(programs).toEqual([{ port: PORT, channel: 3, program: 5, time: 7 }]);
    expect(notes).toEqual([{ port: PORT, channel: 1, note: 48, velocity: 90, time: 7 }]);
  });

  it('MIDI clock at 128 BPM drives the host clock when the clock source is midi, and start resyncs', async () => {
    const { engine, driver, router } = await setup();
    const interval = 60_000 / (128 * 24);
    const feed = (beats: number, from: number) => {
      for (let i = 0; i < beats * 24; i++) router.receive(PORT, [0xf8], from + i * interval);
    };
    feed(2, 0);
    driver.tick();
    expect(engine.stats().clock.bpm).toBe(120); // internal clock: MIDI clock only measured
    expect(router.clock.bpm()).toBeCloseTo(128, 6);
    engine.params.set('/clock/source', 'midi');
    driver.tick();
    feed(2, 10_000);
    driver.tick();
    expect(engine.stats().clock.bpm).toBeCloseTo(128, 3);
    driver.tick(7);
    router.receive(PORT, [0xfa], 20_000);
    driver.tick();
    expect(engine.stats().clock.bar % 1).toBeCloseTo(0, 6);
  });

  it('feeds values back to mapped controls when another surface changes them, but not to the control that moved', async () => {
    const { engine, driver, router } = await setup();
    const sent: [string, number[]][] = [];
    const feedback = new MidiFeedback(engine.feedback, router.mappings, engine.modulation.matrix, (port, bytes) => sent.push([port, [...bytes]]));
    feedback.start();
    router.arm('/mixer/crossfade');
    router.receive(PORT, [0xb1, 7, 0], 0);
    router.arm('/deck/a/source/disc');
    router.receive(PORT, [0x91, 40, 127], 0);
    driver.tick();
    feedback.flush();
    sent.length = 0;

    engine.params.set('/mixer/crossfade', 0.5, 'osc:10.0.0.2:9000');
    engine.params.set('/deck/a/source/disc', true, 'ui');
    driver.tick();
    feedback.flush();
    expect(sent).toEqual([
      [KEY, [0xb1, 7, 64]],
      [KEY, [0x91, 40, 127]],
    ]);
    sent.length = 0;
    // The toggle from the controller itself is not echoed back.
    router.receive(PORT, [0x81, 40, 0, 0x91, 40, 127], 1);
    driver.tick();
    feedback.flush();
    expect(sent).toEqual([]);
    feedback.stop();
  });
});

describe('learned mappings are saved in the show', () => {
  it('a snapshot of the running show carries learned routes and mappings, and a host started from it plays them', async () => {
    const { showSnapshot } = await import('../../host/show-snapshot.js');
    const show = checkShow({ size: '32x18', decks: [{ id: 'a', source: { pipeline: 'test-pattern' }, chain: [{ pipeline: 'feedback' }] }] }, registry);
    const driver = new ManualDriver();
    const engine = await buildEngine(show, registry, { driver, log: silentLog });
    await engine.start();
    const router = new MidiRouter(engine, silentLog);
    router.arm('/deck/a/fx/0/zoom');
    router.receive(PORT, [0xb0, 21, 10], 0);
    router.arm('/deck/a/source/disc');
    router.receive(PORT, [0x90, 36, 100], 0);
    engine.params.set('/mixer/crossfade', 0.4);
    driver.tick();

    const saved = JSON.parse(JSON.stringify(showSnapshot(show, engine, router.mappings.list()))) as unknown;
    const again = checkShow(saved, registry);
    expect(again.midi.mappings).toEqual([{ source: `midi:${KEY}/ch1/note36`, target: '/deck/a/source/disc', mode: 'toggle' }]);
    expect(again.modulation.routes).toHaveLength(1);
    expect(again.mixer.crossfade).toBe(0.4);

    const driver2 = new ManualDriver();
    const engine2 = await buildEngine(again, registry, { driver: driver2, log: silentLog });
    await engine2.start();
    const router2 = new MidiRouter(engine2, silentLog);
    expect(router2.loadMappings(again.midi.mappings)).toEqual([]);
    router2.receive(PORT, [0xb0, 21, 127, 0x90, 36, 100], 0);
    driver2.tick();
    expect(engine2.params.get('/deck/a/fx/0/zoom')).toBe(4);
    expect(engine2.params.get('/deck/a/source/disc')).toBe(!engine.params.get('/deck/a/source/disc'));
  });
});
