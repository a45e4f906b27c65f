import { afterEach, describe, expect, it } from 'vitest';
import { controlHarness, type ControlHarness } from '../helpers/control-harness.js';
import { until } from '../helpers/until.js';

// Decks' chains edited while the show runs: the real engine (manual clock) and the real API (inject).
// The harness's deck A is test-pattern > feedback; deck B a solid colour.
let h: ControlHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

interface Deck { id: string; source: { pipeline: string }; chain: { pipeline: string; params: Record<string, unknown>; bypass?: boolean }[] }

async function call<T = Deck>(method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: unknown): Promise<{ status: number; body: T }> {
  const res = await h!.server.app.inject({ method, url: `/api${url}`, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });
  return { status: res.statusCode, body: res.json<T>() };
}

/** The output's pixels after the swap's crossfade has run its course (0.5 s of show time). */
function settled(): Uint8Array {
  h!.driver.tick(20);
  return new Uint8Array(h!.engine.lastFrame!.data);
}

const differ = (a: Uint8Array, b: Uint8Array) => a.some((v, i) => v !== b[i]);

describe('chain editing', () => {
  it('adds, moves, bypasses and removes effects and changes the source; each change reaches the output', async () => {
    h = await controlHarness();
    h.driver.tick(3);
    const start = settled();
    // A second feedback at the end, zooming hard: the picture changes.
    const added = await call('POST', '/decks/a/chain', { pipeline: 'feedback' });
    expect(added.status).toBe(200);
    expect(added.body.chain.map((e) => e.pipeline)).toEqual(['feedback', 'feedback']);
    h.engine.params.set('/deck/a/fx/1/zoom', 3);
    h.engine.params.set('/deck/a/fx/1/mix', 1);
    const zoomed = settled();
    expect(differ(start, zoomed)).toBe(true);
    // Bypass is the effect's own parameter: the zoom is gone, its setting kept.
    h.engine.params.set('/deck/a/fx/1/bypass', true);
    const bypassed = settled();
    expect(differ(zoomed, bypassed)).toBe(true);
    expect(h.engine.params.base('/deck/a/fx/1/zoom')).toBe(3);
    // Moved to the front: the zoomed one is now fx/0, its settings and bypass with it.
    const moved = await call('POST', '/decks/a/chain/1/move', { to: 0 });
    expect(moved.body.chain.map((e) => [e.params.zoom, e.bypass])).toEqual([[3, true], [1, false]]);
    expect(h.engine.params.base('/deck/a/fx/0/zoom')).toBe(3);
    // Removed: back to one effect.
    const removed = await call('DELETE', '/decks/a/chain/0');
    expect(removed.body.chain).toHaveLength(1);
    // A new source: the deck now plays a gradient.
    const source = await call('PUT', '/decks/a', { source: { pipeline: 'gradient' } });
    expect(source.body.source.pipeline).toBe('gradient');
    expect(h.engine.stats().stages.find((s) => s.path === '/deck/a/source')?.pipeline).toBe('gradient');
    // Every tick made its frame through all of it.
    const before = h.engine.stats().frames;
    h.driver.tick(5);
    expect(h.engine.stats().frames).toBe(before + 5);
  });

  it('routes go with their effect when it moves, and go when it is removed; routes on the others stay on theirs', async () => {
    h = await controlHarness();
    await call('POST', '/decks/a/chain', { pipeline: 'feedback' });
    await call('POST', '/decks/a/chain', { pipeline: 'feedback' });
    h.engine.params.set('/deck/a/fx/1/zoom', 2); // the middle one, told apart by its settings
    h.engine.params.set('/deck/a/fx/2/zoom', 3);
    h.driver.tick();
    const { matrix } = h.engine.modulation;
    matrix.setRoutes([
      { id: 'first', source: 'lfo1:out', target: '/deck/a/fx/0/rotation', amount: 0.1 },
      { id: 'middle', source: 'lfo1:out', target: '/deck/a/fx/1/rotation', amount: 0.2 },
      { id: 'last', source: 'lfo1:out', target: '/deck/a/fx/2/decay', amount: 0.3 },
    ]);
    const targets = (): Record<string, string> => Object.fromEntries(matrix.routes().map((r) => [r.id!, r.target]));
    // The last one to the front: every effect moves, each route with its own.
    await call('POST', '/decks/a/chain/2/move', { to: 0 });
    expect(h.engine.params.base('/deck/a/fx/0/zoom')).toBe(3);
    expect(targets()).toEqual({ first: '/deck/a/fx/1/rotation', middle: '/deck/a/fx/2/rotation', last: '/deck/a/fx/0/decay' });
    // One added in front shifts them all along.
    await call('POST', '/decks/a/chain', { pipeline: 'feedback', at: 0 });
    expect(targets()).toEqual({ first: '/deck/a/fx/2/rotation', middle: '/deck/a/fx/3/rotation', last: '/deck/a/fx/1/decay' });
    // Removing the first of the originals: its route goes (not onto the one that takes its place).
    await call('DELETE', '/decks/a/chain/2');
    expect(targets()).toEqual({ middle: '/deck/a/fx/2/rotation', last: '/deck/a/fx/1/decay' });
    expect(h.engine.params.base('/deck/a/fx/2/zoom')).toBe(2);
    // The routes still move their parameters.
    h.driver.tick(10);
    expect(h.engine.params.get('/deck/a/fx/2/rotation')).not.toBe(h.engine.params.base('/deck/a/fx/2/rotation'));
  });

  it('refuses what does not fit, whole, naming it; the deck plays on unchanged', async () => {
    h = await controlHarness();
    const before = (await call('GET', '/decks/a')).body;
    const cases: [string, 'POST' | 'PUT' | 'DELETE', string, unknown, number, RegExp][] = [
      ['an unknown pipeline', 'POST', '/decks/a/chain', { pipeline: 'nope' }, 400, /unknown pipeline "nope"/],
      ['a source as an effect', 'POST', '/decks/a/chain', { pipeline: 'gradient' }, 400, /"gradient" is of kind generator here/],
      ['an effect as a source', 'PUT', '/decks/a', { source: { pipeline: 'feedback' } }, 400, /"feedback" is of kind effect here/],
      ['a bad parameter', 'PUT', '/decks/a', { chain: [{ pipeline: 'feedback', params: { zoom: 'big' } }] }, 400, /zoom/],
      ['an effect that is not there', 'DELETE', '/decks/a/chain/5', undefined, 400, /has no effect 5/],
      ['a deck that is not there', 'POST', '/decks/z/chain', { pipeline: 'feedback' }, 404, /no deck "z"/],
    ];
    for (const [what, method, url, body, status, message] of cases) {
      const res = await call<{ message: string }>(method, url, body);
      expect([what, res.status]).toEqual([what, status]);
      expect(res.body.message).toMatch(message);
    }
    expect((await call('GET', '/decks/a')).body).toEqual(before);
  });

  it('over OSC-style actions too, and a preset carries the chain (bypass included)', async () => {
    h = await controlHarness();
    h.engine.actions.invoke('/deck/a/chain/add', ['feedback'], 0);
    await until(async () => (await call('GET', '/decks/a')).body.chain.length === 2, 5000, 'the effect added by the action', () => h!.driver.tick());
    h.engine.params.set('/deck/a/fx/1/bypass', true);
    h.driver.tick();
    await h.presets.capture('Two');
    h.engine.actions.invoke('/deck/a/chain/remove', [1], 0);
    await until(async () => (await call('GET', '/decks/a')).body.chain.length === 1, 5000, 'the effect removed by the action', () => h!.driver.tick());
    h.engine.actions.invoke('/preset/recall', ['Two'], 0);
    await until(async () => (await call('GET', '/decks/a')).body.chain.length === 2, 5000, 'the preset\'s chain back', () => h!.driver.tick());
    await until(() => h!.engine.params.base('/deck/a/fx/1/bypass') === true, 5000, 'its bypass back', () => h!.driver.tick());
  });
});
