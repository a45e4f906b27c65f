import http from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describeParams } from '../../core/params.js';
import { OscQueryServer } from '../../inputs/oscquery/oscquery-server.js';
import type { OscQueryNode } from '../../inputs/oscquery/namespace.js';
import { silentLog } from '../../core/log.js';
import { paramKinds } from '../../params/kinds.js';
import { loadPlugins } from '../../pipelines/plugin-loader.js';
import { handled, oscHarness, registry, snapshot, Tablet, type OscHarness } from '../helpers/osc-harness.js';
import { repoRoot } from '../helpers/host-process.js';
import { until } from '../helpers/until.js';

// A vector parameter (the spotlight plugin's centre, two numbers 0..1) through real UDP, OSCQuery and feedback.
await loadPlugins(path.join(repoRoot, 'tests', 'fixtures', 'plugins-good'), registry);
const CENTER = '/deck/a/fx/0/center';
let h: OscHarness | null = null;
let query: OscQueryServer | null = null;
afterEach(async () => {
  await query?.stop();
  query = null;
  await h?.close();
  h = null;
});

async function harness(): Promise<OscHarness> {
  h = await oscHarness({}, silentLog, {
    show: { size: '32x18', decks: [{ id: 'a', source: { pipeline: 'solid', params: { color: '#ffffff' } }, chain: [{ pipeline: 'spotlight', params: { radius: 0.1 } }] }] },
  });
  h.driver.tick();
  return h;
}

async function send(address: string, ...args: number[]): Promise<void> {
  const before = snapshot(h!.osc);
  await h!.client.send(h!.port, address, ...args.map((value) => ({ type: 'f', value })));
  await handled(h!.osc, before, 1);
  h!.driver.tick();
}

/** Sends the point and waits for it: several numbers reach the frame loop by message, not through the numeric mailbox. */
async function sendPoint(address: string, args: number[], expected: number[]): Promise<void> {
  await send(address, ...args);
  await until(() => JSON.stringify(h!.engine.params.get(address)) === JSON.stringify(expected), 3000, `${address} at ${expected.join(', ')}`, () => h!.driver.tick());
}

/** Red at pixel (x, y) of the output. */
const red = (x: number, y: number): number => h!.engine.lastFrame!.data[(y * 32 + x) * 4]!;

describe('a vector parameter', () => {
  it('is set by one OSC message of two floats, clamped per component; one float alone is refused', async () => {
    await harness();
    expect(h!.engine.params.get(CENTER)).toEqual([0.5, 0.5]);
    expect(red(16, 9)).toBe(255);
    await sendPoint(CENTER, [0.125, 0.25], [0.125, 0.25]);
    // The spotlight moved: lit at the new centre, dark at the old one.
    expect(red(4, 4)).toBe(255);
    expect(red(16, 9)).toBe(0);
    await sendPoint(CENTER, [2, -1], [1, 0]); // clamped per component
    await send(CENTER, 0.5);
    expect(h!.engine.params.get(CENTER)).toEqual([1, 0]);
    expect(h!.osc.stats().bad['missing-argument']).toBe(1);
  });

  it('shows in OSCQuery as TYPE "ff" with a range per component and its value, and goes back to a subscribed tablet as two floats', async () => {
    await harness();
    query = new OscQueryServer(h!.engine, { port: 0, bind: '127.0.0.1', enabled: true }, () => h!.port, silentLog);
    const port = await query.start();
    const node = await new Promise<OscQueryNode>((resolve, reject) => {
      http.get(`http://127.0.0.1:${port}${CENTER}`, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(JSON.parse(body) as OscQueryNode));
      }).on('error', reject);
    });
    expect(node).toMatchObject({ TYPE: 'ff', VALUE: [0.5, 0.5], RANGE: [{ MIN: 0, MAX: 1 }, { MIN: 0, MAX: 1 }] });

    const tablet = await new Tablet().open();
    try {
      await h!.client.send(h!.port, '/vjhost/subscribe', { type: 'i', value: tablet.port });
      await until(() => h!.osc.feedback.list().length === 1, 3000, 'the tablet subscribed');
      h!.driver.tick();
      await until(() => tablet.received.some((m) => m.address === CENTER), 3000, 'the full state');
      tablet.received.length = 0;
      h!.engine.params.set(CENTER, [0.75, 0.25], 'ui');
      h!.driver.tick();
      await until(() => tablet.received.length > 0, 3000, 'the change fed back');
      expect(tablet.received).toEqual([{ address: CENTER, args: [0.75, 0.25] }]);
    } finally {
      tablet.close();
    }
  });

  it('morphs component by component and refuses what is not a point', () => {
    const info = describeParams(registry.get('spotlight')!.params).find((p) => p.name === 'center')!;
    expect(info).toMatchObject({ kind: 'vector', size: 2, min: 0, max: 1 });
    const kind = paramKinds.vector;
    expect(kind.interpolate(info, [0, 1], [1, 0], 0.25, 0.25, 0.5)).toEqual([0.25, 0.75]);
    for (const bad of [0.5, [0.5], [0.5, 'x'], [0.5, Number.NaN], null]) expect(kind.coerce(info, bad).ok).toBe(false);
    expect(kind.midiLearn).toBeNull();
  });
});
