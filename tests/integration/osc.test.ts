import fs from 'node:fs';
import { encode } from 'node-osc';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../helpers/until.js';
import { silentLog } from '../../core/log.js';
import { handled, oscHarness, snapshot, Tablet, type OscHarness } from '../helpers/osc-harness.js';

let h: OscHarness;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await h?.close(); // idempotent: a test that made no harness leaves the previous, closed one
  while (cleanups.length) cleanups.pop()!();
});

/** Sends one message and waits until the host has handled it. */
async function send(address: string, ...args: (number | string | boolean | { type: string; value: unknown })[]): Promise<void> {
  const before = snapshot(h.osc);
  await h.client.send(h.port, address, ...args);
  await handled(h.osc, before);
}

describe('OSC input over real UDP', () => {
  it('a float to a parameter path changes that parameter on the next frame', async () => {
    h = await oscHarness();
    h.driver.tick();
    await send('/deck/a/fx/0/zoom', { type: 'f', value: 1.25 });
    expect(h.engine.params.get('/deck/a/fx/0/zoom')).toBe(1);
    h.driver.tick();
    expect(h.engine.params.get('/deck/a/fx/0/zoom')).toBe(1.25);
    expect(h.engine.lastFrame).not.toBeNull();
  });

  it('takes each value in the parameter’s own type: booleans as T/F or 0/1, enums by name or index, clamps numbers', async () => {
    h = await oscHarness();
    await send('/deck/a/source/disc', false);
    h.driver.tick();
    expect(h.engine.params.get('/deck/a/source/disc')).toBe(false);
    await send('/deck/a/source/disc', 1);
    h.driver.tick();
    expect(h.engine.params.get('/deck/a/source/disc')).toBe(true);
    await send('/mixer/mode', 'screen');
    h.driver.tick();
    expect(h.engine.params.get('/mixer/mode')).toBe('screen');
    await send('/mixer/mode', 1);
    h.driver.tick();
    expect(h.engine.params.get('/mixer/mode')).toBe('add');
    await send('/mixer/crossfade', { type: 'f', value: 7 });
    await send('/clock/bpm', 140);
    h.driver.tick();
    expect(h.engine.params.get('/mixer/crossfade')).toBe(1);
    expect(h.engine.stats().clock.bpm).toBe(140);
  });

  it('fans address patterns out to every matching parameter (OSC 1.0: * ? [] {})', async () => {
    h = await oscHarness();
    await send('/deck/*/fx/0/mix', { type: 'f', value: 0.3 });
    await send('/deck/{a,b}/fx/0/decay', { type: 'f', value: 0.2 });
    await send('/deck/[ab]/fx/0/hueShif?', 45);
    h.driver.tick();
    for (const deck of ['a', 'b']) {
      expect(h.engine.params.get(`/deck/${deck}/fx/0/mix`)).toBeCloseTo(0.3, 6);
      expect(h.engine.params.get(`/deck/${deck}/fx/0/decay`)).toBeCloseTo(0.2, 6);
      expect(h.engine.params.get(`/deck/${deck}/fx/0/hueShift`)).toBe(45);
    }
    await send('/deck/*/nothing');
    expect(h.osc.stats().bad['no-match']).toBe(1);
  });

  it('handles bundles, nested ones included', async () => {
    h = await oscHarness();
    const before = snapshot(h.osc);
    const bundle = encode({
      oscType: 'bundle',
      timetag: 0,
      elements: [
        { oscType: 'message', address: '/mixer/crossfade', args: [{ type: 'f', value: 0.5 }] },
        { oscType: 'bundle', timetag: 0, elements: [{ oscType: 'message', address: '/clock/bpm', args: [{ type: 'f', value: 100 }] }] },
      ],
    });
    await h.client.sendRaw(h.port, bundle);
    await handled(h.osc, before, 2);
    h.driver.tick();
    expect(h.engine.params.get('/mixer/crossfade')).toBe(0.5);
    expect(h.engine.stats().clock.bpm).toBe(100);
  });

  it('any other address becomes a routable signal the first time a surface sends it, normalised by the range seen', async () => {
    h = await oscHarness();
    expect(h.engine.modulation.bus.slot('osc:/1/fader3')).toBeUndefined();
    await send('/1/fader3', { type: 'f', value: 0.25 });
    h.driver.tick();
    expect(h.engine.modulation.bus.list().some((s) => s.name === 'osc:/1/fader3')).toBe(true);
    const added = h.engine.modulation.matrix.addRoute({ source: 'osc:/1/fader3', target: '/mixer/crossfade', amount: 1 });
    expect(added.ok).toBe(true);
    h.driver.tick();
    expect(h.engine.params.get('/mixer/crossfade')).toBeCloseTo(0.25, 6);
    // A controller sending 0..127 widens the learned range: 127 is now the top.
    await send('/midi/cc1', 127);
    await send('/midi/cc1', 63.5);
    h.driver.tick();
    expect(h.engine.modulation.bus.valueOf('osc:/midi/cc1')).toBeCloseTo(0.5, 6);
    await send('/2/toggle1', true);
    h.driver.tick();
    expect(h.engine.modulation.bus.valueOf('osc:/2/toggle1')).toBe(1);
  });

  it('uses declared signal ranges from the show', async () => {
    h = await oscHarness({ signals: { '/knob': [0, 127] } });
    await send('/knob', 31.75);
    h.driver.tick();
    expect(h.engine.modulation.bus.valueOf('osc:/knob')).toBeCloseTo(0.25, 6);
  });

  it('reaches the new parameters after a preset rebuilt a deck with other pipelines', async () => {
    h = await oscHarness();
    const { setupPresets } = await import('../../host/presets-setup.js');
    const { tempDir } = await import('../helpers/host-process.js');
    const presetsDir = tempDir('osc-presets');
    cleanups.push(() => fs.rmSync(presetsDir, { recursive: true, force: true }));
    const presets = setupPresets(h.engine, { dir: presetsDir, bank: 'default', cues: [], autosave: false }, silentLog, { resume: false, registry: h.registry });
    await presets.ready;
    await presets.save({ name: 'Gradient B', params: {}, decks: { b: { source: { pipeline: 'gradient', params: {} }, chain: [] } } });
    h.engine.actions.invoke('/preset/recall', ['Gradient B'], 0);
    h.driver.tick();
    await until(() => h!.engine.params.has('/deck/b/source/spin'), 5000, 'deck b rebuilt with the gradient');
    await send('/deck/b/source/spin', 45);
    await send('/deck/a/fx/0/zoom', 2); // an old path keeps working too
    h.driver.tick();
    expect(h.engine.params.get('/deck/b/source/spin')).toBe(45);
    expect(h.engine.params.get('/deck/a/fx/0/zoom')).toBe(2);
    expect(h.engine.modulation.bus.slot('osc:/deck/b/source/spin')).toBeUndefined(); // a parameter, not a stray signal
  });

  it('/clock/tap in bundles stamped 500 ms apart sets 120 BPM: taps keep the sender\'s rhythm, not the network\'s', async () => {
    h = await oscHarness();
    // Five taps sent back to back, each in a bundle whose timetag says when the finger hit (OSC 1.0).
    const first = Date.now() - 2500;
    for (let i = 0; i < 5; i++) {
      const before = snapshot(h.osc);
      await h.client.sendRaw(h.port, encode({ oscType: 'bundle', timetag: (first + i * 500) / 1000, elements: [{ oscType: 'message', address: '/clock/tap', args: [] }] }));
      await handled(h.osc, before);
      h.driver.tick();
    }
    expect(h.engine.stats().clock.bpm).toBeCloseTo(120, 1);
  });

  it('a timetag in the future or implausibly far back is not believed: those taps count at their arrival', async () => {
    h = await oscHarness();
    h.engine.params.set('/clock/bpm', 90);
    h.driver.tick();
    // Two taps in one packet, each in a bundle of its own with its timetag.
    const taps = async (first: number, second: number): Promise<void> => {
      const before = snapshot(h!.osc);
      const tapAt = (timetag: number) => ({ oscType: 'bundle' as const, timetag, elements: [{ oscType: 'message' as const, address: '/clock/tap', args: [] }] });
      await h!.client.sendRaw(h!.port, encode({ oscType: 'bundle', timetag: 0, elements: [tapAt(first), tapAt(second)] }));
      await handled(h!.osc, before, 2);
      h!.driver.tick();
    };
    // Believed, each pair would be 500 ms apart (120 BPM); counted at their one arrival, they are a bounce, which tap tempo ignores.
    await taps((Date.now() - 12_000) / 1000, (Date.now() - 11_500) / 1000);
    expect(h.engine.stats().clock.bpm).toBe(90);
    await taps(Date.now() / 1000 + 30, Date.now() / 1000 + 30.5);
    expect(h.engine.stats().clock.bpm).toBe(90);
    // The same pair with believable timetags does set the tempo.
    await taps((Date.now() - 3000) / 1000, (Date.now() - 2500) / 1000);
    expect(h.engine.stats().clock.bpm).toBeCloseTo(120, 1);
  });
});

describe('OSC feedback', () => {
  it('a subscriber gets the full state, then each changed address once per burst, coalesced to the latest value', async () => {
    h = await oscHarness();
    const tablet = await new Tablet().open();
    try {
      await send('/vjhost/subscribe', tablet.port); // sent from the harness client, feedback to `tablet`
      await waitFor(() => h.osc.feedback.list().length === 1);
      h.driver.tick();
      h.osc.feedback.flush();
      await waitFor(() => tablet.received.length >= h.engine.params.list().length);
      expect(new Set(tablet.received.map((m) => m.address)).size).toBe(h.engine.params.list().length);
      tablet.received.length = 0;

      // A preset-like bulk change: twenty parameters, each set three times before the frame.
      const paths = h.engine.params.list().filter((e) => e.info.kind === 'number').slice(0, 20).map((e) => e.path);
      for (let round = 0; round < 3; round++) {
        for (const path of paths) {
          const e = h.engine.params.entry(path)!;
          h.engine.params.set(path, (e.info.min ?? 0) + ((e.info.max ?? 1) - (e.info.min ?? 0)) * (0.1 + round * 0.2), 'preset');
        }
      }
      h.driver.tick();
      h.osc.feedback.flush();
      await waitFor(() => tablet.received.length >= 20);
      // A marker after them (a parameter not among the twenty): anything more for them would have come before it.
      const marker = h.engine.params.list().find((e) => e.info.kind === 'number' && !paths.includes(e.path))!;
      h.engine.params.set(marker.path, marker.info.max, 'ui');
      h.driver.tick();
      h.osc.feedback.flush();
      await waitFor(() => tablet.received.some((m) => m.address === marker.path));
      expect(tablet.received.pop()).toEqual({ address: marker.path, args: [marker.info.max] });
      expect(tablet.received.map((m) => m.address).sort()).toEqual([...paths].sort());
      for (const m of tablet.received) {
        const e = h.engine.params.entry(m.address)!;
        expect(m.args[0]).toBeCloseTo((e.info.min ?? 0) + ((e.info.max ?? 1) - (e.info.min ?? 0)) * 0.5, 3);
      }
    } finally {
      tablet.close();
    }
  });

  it('sends changes to the surfaces the show lists, without their asking', async () => {
    const listed = await new Tablet().open();
    try {
      h = await oscHarness({ feedback: [{ host: '127.0.0.1', port: listed.port }] });
      h.driver.tick();
      h.osc.feedback.flush();
      await waitFor(() => listed.received.length >= h.engine.params.list().length); // the full state first
      listed.received.length = 0;
      h.engine.params.set('/clock/bpm', 132, 'ui');
      h.driver.tick();
      h.osc.feedback.flush();
      await waitFor(() => listed.received.length > 0);
      expect(listed.received).toEqual([{ address: '/clock/bpm', args: [132] }]);
    } finally {
      listed.close();
    }
  });

  it('never echoes a change back to the surface that sent it; other surfaces get it', async () => {
    h = await oscHarness();
    const other = await new Tablet().open();
    try {
      await send('/vjhost/subscribe'); // the harness client subscribes itself (reply to its own port)
      const before = snapshot(h.osc);
      await other.send(h.port, '/vjhost/subscribe');
      await handled(h.osc, before);
      await waitFor(() => h.osc.feedback.list().length === 2);
      h.driver.tick();
      h.osc.feedback.flush();
      const fullState = h.engine.params.list().length;
      await waitFor(() => h.client.received.length >= fullState && other.received.length >= fullState);
      h.client.received.length = 0;
      other.received.length = 0;

      await send('/mixer/crossfade', { type: 'f', value: 0.75 });
      h.driver.tick();
      h.osc.feedback.flush();
      await waitFor(() => other.received.length > 0);
      // A later change from elsewhere reaches both: had the echo been sent, it would have come before it.
      h.engine.params.set('/clock/bpm', 131, 'ui');
      h.driver.tick();
      h.osc.feedback.flush();
      await waitFor(() => h.client.received.length > 0 && other.received.length > 1);
      expect(other.received).toEqual([{ address: '/mixer/crossfade', args: [0.75] }, { address: '/clock/bpm', args: [131] }]);
      expect(h.client.received).toEqual([{ address: '/clock/bpm', args: [131] }]);
    } finally {
      other.close();
    }
  });
});

async function waitFor(condition: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('OSC learn', () => {
  it('arm a parameter, move a tablet control: its address becomes a route over the whole range; re-learning replaces it', async () => {
    h = await oscHarness();
    await send('/1/fader1', { type: 'f', value: 0.2 }); // a control seen before arming is not taken as the one moved
    h.driver.tick();
    expect(h.osc.learn('/deck/a/fx/0/decay')).toEqual({ ok: true });
    expect(h.osc.learn('/deck/a/nope')).toEqual({ ok: false, error: 'no parameter /deck/a/nope' });
    expect(h.osc.learn('/deck/a/fx/0/decay')).toEqual({ ok: true });
    h.driver.tick();
    expect(h.engine.modulation.matrix.routes()).toHaveLength(0);
    await send('/1/fader7', { type: 'f', value: 0.5 });
    h.driver.tick();
    const learned = h.engine.modulation.matrix.routes();
    expect(learned).toEqual([expect.objectContaining({ source: 'osc:/1/fader7', target: '/deck/a/fx/0/decay', absolute: true })]);
    expect(h.osc.learningPath).toBeNull();
    await send('/1/fader7', { type: 'f', value: 1 });
    h.driver.tick();
    h.driver.tick();
    expect(h.engine.params.get('/deck/a/fx/0/decay')).toBe(1); // the top of the fader is the top of the range
    h.osc.learn('/deck/a/fx/0/decay');
    await send('/1/fader2', { type: 'f', value: 0.1 });
    h.driver.tick();
    expect(h.engine.modulation.matrix.routes().map((r) => r.source)).toEqual(['osc:/1/fader2']);
  });
});
