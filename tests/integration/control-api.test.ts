import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { controlHarness, type ControlHarness } from '../helpers/control-harness.js';
import { tempDir } from '../helpers/host-process.js';

// The REST API through fastify's inject (no sockets), on the real engine, matrix, output manager and preset store.
let h: ControlHarness;
afterEach(async () => {
  await h.close();
});

async function call(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = {}) {
  const res = await h.server.app.inject({ method, url, ...(payload !== undefined ? { payload: payload as object } : {}), headers });
  return { status: res.statusCode, body: res.json<Record<string, unknown>>() };
}

describe('control API', () => {
  it('health, stats, pipelines with their schemas, signals, actions', async () => {
    h = await controlHarness();
    expect((await call('GET', '/api/health')).body).toMatchObject({ ok: true, version: 'test', running: true });
    h.driver.tick(3);
    const stats = (await call('GET', '/api/stats')).body;
    expect(stats).toMatchObject({ frames: 3, width: 64, height: 36 });
    const pipelines = (await call('GET', '/api/pipelines')).body.pipelines as { id: string; params: { name: string; min?: number }[] }[];
    expect(pipelines.find((p) => p.id === 'feedback')!.params.find((p) => p.name === 'zoom')).toMatchObject({ min: 0.25, max: 4 });
    const signals = (await call('GET', '/api/signals')).body.signals as { name: string }[];
    expect(signals.map((s) => s.name)).toContain('lfo1:out');
    expect(((await call('GET', '/api/actions')).body.actions as { path: string }[]).map((a) => a.path)).toContain('/clock/tap');
    expect(await call('POST', '/api/actions', { path: '/clock/nope' })).toMatchObject({ status: 404, body: { problems: ['path: no action "/clock/nope"'] } });
  });

  it('parameters: the tree, one at a time, many changes at once landing on the next frame; bad ones named and none applied', async () => {
    h = await controlHarness();
    const tree = (await call('GET', '/api/params')).body.params as { path: string; kind: string; base: unknown }[];
    expect(tree.find((p) => p.path === '/deck/a/fx/0/zoom')).toMatchObject({ kind: 'number', min: 0.25, max: 4, label: 'Zoom' });
    expect((await call('GET', '/api/params/mixer/crossfade')).body).toMatchObject({ path: '/mixer/crossfade', base: 0 });
    expect((await call('GET', '/api/params/nope')).status).toBe(404);

    const ok = await call('PATCH', '/api/params', { changes: { '/deck/a/fx/0/zoom': 1.5, '/mixer/mode': 'screen', '/mixer/crossfade': 7 } });
    expect(ok).toMatchObject({ status: 200, body: { applied: { '/deck/a/fx/0/zoom': 1.5, '/mixer/mode': 'screen', '/mixer/crossfade': 1 }, clamped: ['/mixer/crossfade'] } });
    expect(h.engine.params.get('/deck/a/fx/0/zoom')).not.toBe(1.5); // not before the frame boundary
    h.driver.tick();
    expect(h.engine.params.get('/deck/a/fx/0/zoom')).toBe(1.5);

    const bad = await call('PATCH', '/api/params', { changes: { '/deck/a/fx/0/zoom': 'big', '/deck/z/nothing': 1, '/mixer/crossfade': 0.2 } });
    expect(bad.status).toBe(400);
    expect(bad.body.problems).toEqual(['changes["/deck/a/fx/0/zoom"]: expected a finite number, got "big"', 'changes["/deck/z/nothing"]: no such parameter']);
    h.driver.tick();
    expect(h.engine.params.get('/mixer/crossfade')).toBe(1); // nothing of the bad request applied
    const shape = await call('PATCH', '/api/params', { changes: [] });
    expect(shape.status).toBe(400);
    expect(shape.body.problems).toEqual(['body.changes: must be object']);
    const extra = await call('PATCH', '/api/params', { changes: {}, sneaky: 1 });
    expect(extra.body.problems).toEqual(['body.sneaky: is not a known field']);
  });

  it('routes: add, change, remove, with the matrix\'s checks and a level per route', async () => {
    h = await controlHarness();
    const added = await call('POST', '/api/routes', { id: 'wobble', source: 'lfo1:out', target: '/deck/a/fx/0/zoom', amount: 0.1 });
    expect(added).toMatchObject({ status: 201, body: { route: { id: 'wobble', target: '/deck/a/fx/0/zoom' } } });
    h.driver.tick(5);
    const listed = (await call('GET', '/api/routes')).body.routes as { id: string; level: number }[];
    expect(listed.map((r) => r.id)).toContain('wobble');
    expect((await call('PATCH', '/api/routes/wobble', { amount: 0.3 })).body).toMatchObject({ route: { amount: 0.3 } });
    const bad = await call('POST', '/api/routes', { source: 'lfo1:out', target: '/deck/a/nope' });
    expect(bad.status).toBe(400);
    expect((bad.body.problems as string[]).join()).toMatch(/\/deck\/a\/nope/);
    expect((await call('PATCH', '/api/routes/ghost', { amount: 1 })).status).toBe(404);
    expect((await call('DELETE', '/api/routes/wobble')).body).toEqual({ removed: 'wobble' });
    expect((await call('DELETE', '/api/routes/wobble')).status).toBe(404);
  });

  it('outputs: add, configure, start, stop, remove through the output manager; bad configs named', async () => {
    h = await controlHarness();
    process.env.VJ_HOST_SHM_DIR = tempDir('control-shm');
    try {
      const added = await call('POST', '/api/outputs', { type: 'shm', name: `vj-host-test-api-${process.pid}` });
      expect(added).toMatchObject({ status: 201, body: { id: 'shm', stats: { state: 'running' } } });
      h.driver.tick(2);
      expect(((await call('GET', '/api/outputs')).body.outputs as { id: string; stats: { sent: number } }[])[0]).toMatchObject({ id: 'shm', stats: { sent: 2 } });
      expect((await call('POST', '/api/outputs/shm/stop')).body).toMatchObject({ stats: { state: 'stopped' } });
      expect((await call('POST', '/api/outputs/shm/start')).body).toMatchObject({ stats: { state: 'running' } });
      expect((await call('PATCH', '/api/outputs/shm', { slots: 5 })).body).toMatchObject({ config: { slots: 5 }, stats: { state: 'running' } });
      const bad = await call('PATCH', '/api/outputs/shm', { slots: 0 });
      expect(bad).toMatchObject({ status: 400, body: { problems: ['outputs.shm.slots: must be >= 1'] } });
      const scheme = await call('POST', '/api/outputs', { type: 'rtmp', url: 'http://x/live/secret' });
      expect(scheme.status).toBe(400);
      expect((scheme.body.problems as string[])[0]).toMatch(/^outputs\.rtmp\.url: must be an rtmp:\/\/ or rtmps:\/\/ URL/);
      expect((await call('POST', '/api/outputs/nope/start')).status).toBe(404);
      expect((await call('DELETE', '/api/outputs/shm')).body).toEqual({ removed: 'shm' });
    } finally {
      fs.rmSync(process.env.VJ_HOST_SHM_DIR, { recursive: true, force: true });
      delete process.env.VJ_HOST_SHM_DIR;
    }
  });

  it('presets: save the look, list, read, recall (on the next frame), delete; bad names refused', async () => {
    h = await controlHarness();
    h.engine.params.set('/mixer/crossfade', 0.25);
    h.driver.tick();
    expect((await call('POST', '/api/presets', { name: 'Intro', slot: 1 })).status).toBe(201);
    expect(((await call('GET', '/api/presets')).body.presets as { name: string }[]).map((p) => p.name)).toEqual(['Intro']);
    expect((await call('GET', '/api/presets/default/Intro')).body).toMatchObject({ name: 'Intro', params: { '/mixer/crossfade': 0.25 } });
    h.engine.params.set('/mixer/crossfade', 0.9);
    h.driver.tick();
    expect((await call('POST', '/api/presets/default/Intro/recall', {})).body).toEqual({ recalling: 'Intro', bank: 'default' });
    h.driver.tick();
    expect(h.engine.params.get('/mixer/crossfade')).toBe(0.25);
    expect((await call('GET', '/api/presets/default/Nope')).status).toBe(404);
    expect((await call('POST', '/api/presets', { name: '' })).body.problems).toEqual(['body.name: must NOT have fewer than 1 characters']);
    expect((await call('GET', '/api/presets/default/..%2F..%2Fetc')).status).toBeGreaterThanOrEqual(400);
    expect((await call('DELETE', '/api/presets/default/Intro')).body).toEqual({ removed: 'Intro', bank: 'default' });
    expect((await call('DELETE', '/api/presets/default/Intro')).status).toBe(404);
  });

  it('show: GET is the running show; PUT checks every field and saves over the show file', async () => {
    h = await controlHarness();
    h.engine.params.set('/deck/a/fx/0/zoom', 2);
    h.driver.tick();
    const show = (await call('GET', '/api/show')).body as { decks: { chain: { params: { zoom: number } }[] }[] };
    expect(show.decks[0]!.chain[0]!.params.zoom).toBe(2);
    const bad = await call('PUT', '/api/show', { ...show, decks: [{ id: 'a', source: { pipeline: 'nope' } }] });
    expect(bad.status).toBe(400);
    expect((bad.body.problems as string[])[0]).toMatch(/^decks\[0\]\.source\.pipeline: unknown pipeline "nope"/);
    expect((await call('PUT', '/api/show', show)).body).toEqual({ saved: h.showFile, appliesAt: 'next start' });
    expect((JSON.parse(fs.readFileSync(h.showFile, 'utf8')) as typeof show).decks[0]!.chain[0]!.params.zoom).toBe(2);
  });

  it('learn needs MIDI or OSC running (this host has neither): a clear 409; actions queue for the frame', async () => {
    h = await controlHarness();
    expect(await call('POST', '/api/learn/midi', { path: '/mixer/crossfade' })).toMatchObject({ status: 409, body: { error: 'VJ_MIDI_OFF' } });
    expect(await call('POST', '/api/learn/osc', { path: '/mixer/crossfade' })).toMatchObject({ status: 409, body: { error: 'VJ_OSC_OFF' } });
    expect((await call('POST', '/api/learn/osc', { path: 'no-slash' })).body.problems).toEqual(['body.path: must match pattern "^/"']);
    expect(await call('POST', '/api/actions', { path: '/clock/nudge', args: [0.5] })).toMatchObject({ status: 200, body: { queued: '/clock/nudge' } });
  });

  it('NDI sources through the real runtime, with the note when no mDNS responder runs', async () => {
    h = await controlHarness();
    const found = await call('GET', '/api/ndi/sources');
    expect(found.status).toBe(200);
    expect(Array.isArray(found.body.sources)).toBe(true);
    if (found.body.mdnsResponder === false) expect(found.body.note).toMatch(/no mDNS responder/);
  });

  it('unknown routes are 404 with the error shape', async () => {
    h = await controlHarness();
    expect(await call('GET', '/api/nothing')).toEqual({ status: 404, body: { error: 'VJ_NOT_FOUND', message: 'no route GET /api/nothing', problems: [] } });
  });
});

describe('control API on the network (token)', () => {
  it('refuses requests without the token or with a wrong one (401), accepts the header or the URL parameter', async () => {
    h = await controlHarness({ token: 'secret-token-123' });
    expect((await call('GET', '/api/health')).status).toBe(401);
    expect((await call('GET', '/api/health', undefined, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await call('GET', '/api/health?token=nope')).status).toBe(401);
    expect((await call('GET', '/api/health', undefined, { authorization: 'Bearer secret-token-123' })).status).toBe(200);
    expect((await call('GET', '/api/health?token=secret-token-123')).status).toBe(200);
  });

  it('rate-limits parameter changes per client: the excess is refused (429), not queued', async () => {
    h = await controlHarness({ changesPerSecond: 4 });
    const changes = { '/mixer/crossfade': 0.5, '/deck/a/fx/0/zoom': 1 };
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await call('PATCH', '/api/params', { changes })).status);
    // 4 a second: two requests of two changes pass at once, the next ones are refused.
    expect(statuses).toEqual([200, 200, 429, 429]);
  });
});
