import http from 'node:http';
import { decode } from 'node-osc';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { describeParams } from '../../core/params.js';
import { OscQueryServer } from '../../inputs/oscquery/oscquery-server.js';
import { oscTypeOf, type OscQueryNode } from '../../inputs/oscquery/namespace.js';
import { mixerParams } from '../../pipelines/builtins/mixer.js';
import { lfoParams } from '../../modulators/lfo.js';
import { silentLog } from '../../core/log.js';
import { oscHarness, registry, type OscHarness } from '../helpers/osc-harness.js';
import { until } from '../helpers/until.js';

let h: OscHarness;
let query: OscQueryServer | null = null;
afterEach(async () => {
  await query?.stop();
  query = null;
  await h?.close();
});

async function start(): Promise<string> {
  h = await oscHarness();
  query = new OscQueryServer(h.engine, { port: 0, bind: '127.0.0.1', enabled: true }, () => h.port, silentLog);
  const port = await query.start();
  return `http://127.0.0.1:${port}`;
}

function leaves(node: OscQueryNode, out = new Map<string, OscQueryNode>()): Map<string, OscQueryNode> {
  if (node.TYPE !== undefined) out.set(node.FULL_PATH, node);
  for (const child of Object.values(node.CONTENTS ?? {})) leaves(child, out);
  return out;
}

describe('OSCQuery server', () => {
  it('GET / returns a namespace whose paths, types and ranges equal the pipelines’ own schemas', async () => {
    const base = await start();
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    const found = leaves((await res.json()) as OscQueryNode);

    // Expected, read off the registry's schemas for the harness show's decks (not a hand-written list).
    const expected = new Map<string, ReturnType<typeof describeParams>[number]>();
    const decks = { a: ['test-pattern', 'feedback'], b: ['solid', 'feedback'] };
    for (const [deck, [source, fx]] of Object.entries(decks)) {
      for (const p of describeParams(registry.get(source!)!.params)) expected.set(`/deck/${deck}/source/${p.name}`, p);
      for (const p of describeParams(registry.get(fx!)!.params)) expected.set(`/deck/${deck}/fx/0/${p.name}`, p);
    }
    for (const p of describeParams(mixerParams)) expected.set(`/mixer/${p.name}`, p);
    for (const p of describeParams(lfoParams)) expected.set(`/lfo/lfo1/${p.name}`, p);

    for (const [path, p] of expected) {
      const node = found.get(path);
      expect(node, path).toBeDefined();
      expect(node!.TYPE, path).toBe(oscTypeOf(p));
      expect(node!.ACCESS, path).toBe(3);
      if (p.kind === 'number' || p.kind === 'integer') expect(node!.RANGE, path).toEqual([{ MIN: p.min, MAX: p.max }]);
      if (p.kind === 'enum') expect(node!.RANGE, path).toEqual([{ VALS: p.options }]);
      expect(node!.VALUE, path).toEqual([h.engine.params.base(path)]);
    }
    // Every parameter in the address space is there, and actions too.
    for (const entry of h.engine.params.list()) expect(found.has(entry.path), entry.path).toBe(true);
    expect(found.get('/clock/tap')).toMatchObject({ TYPE: 'N', ACCESS: 2 });
  });

  it('actions carry their arguments\' real types and ranges, colours are r, and an output\'s enabled is marked as stopping it', async () => {
    h = await oscHarness({}, silentLog, { show: { outputs: [{ type: 'record', id: 'rec', enabled: false }] } });
    query = new OscQueryServer(h.engine, { port: 0, bind: '127.0.0.1', enabled: true }, () => h.port, silentLog);
    const base = `http://127.0.0.1:${await query.start()}`;
    const found = leaves((await (await fetch(`${base}/`)).json()) as OscQueryNode);
    expect(found.get('/clock/nudge')).toMatchObject({ TYPE: 'f', RANGE: [{ MIN: -16, MAX: 16 }], ACCESS: 2 });
    expect(found.get('/clock/tap')).toMatchObject({ TYPE: 'N' });
    expect(found.get('/deck/b/source/color')).toMatchObject({ TYPE: 'r' });
    expect(found.get('/output/rec/enabled')).toMatchObject({ TYPE: 'T', TAGS: ['output', 'stops-output'], CRITICAL: true });
    expect(found.get('/output/rec/enabled')!.DESCRIPTION).toMatch(/Stops the output when sent 0/);
    expect(found.get('/output/rec/start')!.TAGS).toBeUndefined();
  });

  it('a path that is not valid percent-encoding is a 400, not a 500; another origin or host name is a 403', async () => {
    const base = await start();
    expect((await fetch(`${base}/%`)).status).toBe(400);
    expect((await fetch(`${base}/%E0%A4%A`)).status).toBe(400);
    expect((await fetch(`${base}/`, { headers: { origin: 'http://evil.example' } })).status).toBe(403);
    const port = new URL(base).port;
    const rebound = await new Promise<number>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: '/', headers: { host: `evil.example:${port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject);
    });
    expect(rebound).toBe(403);
  });

  it('answers ?HOST_INFO, attribute queries, sub-trees and unknown paths', async () => {
    const base = await start();
    const info = (await (await fetch(`${base}/?HOST_INFO`)).json()) as Record<string, unknown>;
    expect(info).toMatchObject({ NAME: 'vj-host', OSC_PORT: h.port, OSC_TRANSPORT: 'UDP', EXTENSIONS: { LISTEN: true, VALUE: true, RANGE: true } });
    h.engine.params.set('/deck/a/fx/0/zoom', 2.5);
    h.driver.tick();
    expect(await (await fetch(`${base}/deck/a/fx/0/zoom?VALUE`)).json()).toEqual({ VALUE: [2.5] });
    expect(await (await fetch(`${base}/deck/a/fx/0/zoom?RANGE`)).json()).toEqual({ RANGE: [{ MIN: 0.25, MAX: 4 }] });
    const deck = (await (await fetch(`${base}/deck/b`)).json()) as OscQueryNode;
    expect(Object.keys(deck.CONTENTS ?? {}).sort()).toEqual(['chain', 'clip', 'fx', 'retrigger', 'source']);
    expect((await fetch(`${base}/deck/z`)).status).toBe(404);
    expect((await fetch(`${base}/deck/a/fx/0/zoom?COLOUR`)).status).toBe(400);
    expect((await fetch(`${base}/`, { method: 'POST' })).status).toBe(405);
  });

  it('LISTEN over the WebSocket streams changes of that path as OSC messages; IGNORE stops them', async () => {
    const base = await start();
    const ws = new WebSocket(base.replace('http', 'ws'));
    const received: { address: string; value: unknown }[] = [];
    ws.on('message', (data: Buffer) => {
      const m = decode(data) as { address: string; args: { value: unknown }[] };
      received.push({ address: m.address, value: m.args[0]?.value });
    });
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ COMMAND: 'LISTEN', DATA: '/mixer/crossfade' }));
    ws.send('not json at all');
    ws.send(JSON.stringify({ COMMAND: 'LISTEN', DATA: '/no/such/path' }));
    // Changed until the LISTEN has been taken (the host reads the socket on its own time).
    await until(() => {
      h.engine.params.set('/mixer/crossfade', 0.25);
      h.engine.params.set('/clock/bpm', 130); // not listened to
      h.driver.tick();
      return received.length > 0;
    }, 3000, 'the listened change');
    expect(received.every((m) => m.address === '/mixer/crossfade' && m.value === 0.25)).toBe(true);
    received.length = 0;
    // IGNORE it, then LISTEN to the tempo as a marker: commands are taken in order, so once the tempo
    // arrives the IGNORE was taken before it.
    ws.send(JSON.stringify({ COMMAND: 'IGNORE', DATA: '/mixer/crossfade' }));
    ws.send(JSON.stringify({ COMMAND: 'LISTEN', DATA: '/clock/bpm' }));
    await until(() => {
      h.engine.params.set('/clock/bpm', 131);
      h.driver.tick();
      return received.some((m) => m.address === '/clock/bpm');
    }, 3000, 'the marker');
    received.length = 0;
    h.engine.params.set('/mixer/crossfade', 0.5);
    h.engine.params.set('/clock/bpm', 132);
    h.driver.tick();
    await until(() => received.some((m) => m.value === 132), 3000, 'the second marker');
    // (A tempo from the first marker's rounds may still come in; the crossfade never does.)
    expect(received.filter((m) => m.address !== '/clock/bpm')).toEqual([]);
    expect(received.at(-1)).toEqual({ address: '/clock/bpm', value: 132 });
    ws.close();
  });
});
