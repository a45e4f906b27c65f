import { io as connect, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { listen } from '../../control-surface/server.js';
import type { ClientToServer, ParamUpdate, ParamView, ServerToClient } from '../../control-surface/protocol.js';
import { controlHarness, type ControlHarness } from '../helpers/control-harness.js';
import { until } from '../helpers/until.js';

// Real socket.io clients (socket.io-client) against the real server on 127.0.0.1.
let h: ControlHarness;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.disconnect();
  await h.close();
});

type Client = Socket<ServerToClient, ClientToServer> & { changes: Record<string, ParamUpdate>[]; list: ParamView[]; refused: { event: string; problems: string[] }[] };

async function client(url: string, auth: Record<string, string> = {}): Promise<Client> {
  const socket = connect(url, { transports: ['websocket'], auth, query: auth, reconnection: false }) as Client;
  sockets.push(socket);
  socket.changes = [];
  socket.refused = [];
  socket.on('params:changed', (c) => socket.changes.push(c));
  socket.on('refused', (r) => socket.refused.push(r));
  await new Promise<void>((resolve, reject) => {
    socket.once('params:list', (list) => {
      socket.list = list;
      resolve();
    });
    socket.once('connect_error', reject);
  });
  return socket;
}

describe('live channel (socket.io)', () => {
  it('a change from one client reaches the host and the other client, and is not echoed back (latency: the control bench)', async () => {
    h = await controlHarness();
    const url = await listen(h.server, '127.0.0.1', 0);
    const laptop = await client(url);
    const tablet = await client(url);
    expect(laptop.list.find((p) => p.path === '/deck/a/fx/0/zoom')).toMatchObject({ kind: 'number', min: 0.25, max: 4 });
    laptop.emit('params:set', { '/deck/a/fx/0/zoom': 2.5 });
    await until(() => tablet.changes.some((c) => c['/deck/a/fx/0/zoom']?.base === 2.5), 2000, 'the tablet sees the change', () => h.driver.tick());
    expect(h.engine.params.get('/deck/a/fx/0/zoom')).toBe(2.5);
    // A later change from the tablet reaches the laptop: an echo of its own would have come before it.
    tablet.emit('params:set', { '/mixer/crossfade': 0.25 });
    await until(() => laptop.changes.some((c) => c['/mixer/crossfade']?.base === 0.25), 2000, 'the laptop sees the tablet', () => h.driver.tick());
    expect(laptop.changes.some((c) => '/deck/a/fx/0/zoom' in c)).toBe(false);
  });

  it('changes are coalesced: a burst reaches the other client as few messages with the last value', async () => {
    h = await controlHarness();
    const url = await listen(h.server, '127.0.0.1', 0);
    const fader = await client(url);
    const watcher = await client(url);
    for (let i = 1; i <= 50; i++) {
      fader.emit('params:set', { '/mixer/crossfade': i / 50 });
      if (i % 10 === 0) h.driver.tick();
    }
    await until(() => watcher.changes.some((c) => c['/mixer/crossfade']?.base === 1), 2000, 'the last value', () => h.driver.tick());
    expect(watcher.changes.length).toBeLessThan(10);
  });

  it('modulated parameters stream their live value; bad messages are refused with the reason; the show keeps running', async () => {
    h = await controlHarness();
    const url = await listen(h.server, '127.0.0.1', 0);
    const surface = await client(url);
    h.engine.modulation.matrix.addRoute({ id: 'w', source: 'lfo1:out', target: '/deck/a/fx/0/rotation', amount: 0.5 });
    const live: Record<string, unknown>[] = [];
    surface.on('params:live', (v) => live.push(v));
    await until(() => live.filter((c) => '/deck/a/fx/0/rotation' in c).length >= 3, 3000, 'live values', () => h.driver.tick());
    const values = live.map((c) => c['/deck/a/fx/0/rotation']).filter((v) => v !== undefined);
    expect(new Set(values).size).toBeGreaterThan(1);

    surface.emit('params:set', { '/deck/a/fx/0/zoom': 'huge' });
    surface.emit('params:set', 'not an object' as never);
    surface.emit('subscribe', { preview: { width: 5, quality: 50, fps: 10 } });
    surface.emit('action', { path: '/nope' });
    await until(() => surface.refused.length >= 4, 2000, 'four refusals');
    expect(surface.refused.map((r) => r.event)).toEqual(['params:set', 'params:set', 'subscribe', 'action']);
    expect(surface.refused[0]!.problems).toEqual(['changes["/deck/a/fx/0/zoom"]: expected a finite number, got "huge"']);
    expect(surface.refused[2]!.problems.join()).toMatch(/preview.*width.*must be >= 32/);
    const before = h.engine.stats().frames;
    h.driver.tick(3);
    expect(h.engine.stats().frames).toBe(before + 3);
  });

  it('stats at 4 Hz and signal meters only to clients that subscribed; taps keep the client\'s timing', async () => {
    h = await controlHarness();
    const url = await listen(h.server, '127.0.0.1', 0);
    const meters = await client(url);
    const quiet = await client(url);
    const stats: unknown[] = [];
    const signals: Record<string, number>[] = [];
    // Both kinds in the order they arrive, to count the meters between two stats messages.
    const arrivals: ('stats' | 'signals')[] = [];
    meters.on('stats', (s) => (stats.push(s), arrivals.push('stats')));
    meters.on('signals', (s) => (signals.push(s), arrivals.push('signals')));
    let quietGot = 0;
    quiet.on('stats', () => quietGot++);
    quiet.on('signals', () => quietGot++);
    meters.emit('subscribe', { stats: true, signals: { names: ['lfo1:out', 'clock:beat'], rate: 20 } });
    await until(() => stats.length >= 5, 10_000, 'five stats messages');
    // Each at its own rate, compared within the run: meters at up to 20 a second, stats at 4, so several
    // meters between two stats messages. Judged on most of the intervals, not their sum: a busy machine
    // that holds this process for half a second costs the faster timer more ticks than the slower one
    // (CI saw 5 meters against 3 stats in one window).
    const between = arrivals.join(' ').split('stats').slice(1, -1).map((run) => run.split('signals').length - 1);
    expect(between.filter((n) => n >= 2).length, `meters between stats messages: ${between.join(', ')}`).toBeGreaterThanOrEqual(between.length / 2);
    expect(Object.keys(signals.at(-1)!)).toEqual(['lfo1:out', 'clock:beat']);
    expect(quietGot).toBe(0);
    // Four taps 400 ms apart by the tablet's clock; the network holds the 2nd and 3rd back by 150 and
    // 300 ms. Timed on arrival they would say 109 BPM (intervals 550, 550, 100); the tablet's own
    // timestamps keep the finger's 150.
    expect(h.engine.params.get('/clock/bpm')).toBe(120);
    const t0 = performance.now();
    const late = [0, 150, 300, 0];
    // (The finger's taps and the network's lateness are both real time here: the mapping of the
    // tablet's clock onto the host's is what is under test.)
    await Promise.all(late.map((delay, i) => new Promise<void>((resolve) => {
      setTimeout(() => {
        meters.emit('action', { path: '/clock/tap', at: t0 + i * 400 });
        resolve();
      }, i * 400 + delay);
    })));
    await until(() => h.engine.params.get('/clock/bpm') !== 120, 2000, 'the taps applied', () => h.driver.tick());
    expect(Math.abs((h.engine.params.get('/clock/bpm') as number) - 150)).toBeLessThan(3);
  });

  it('a page\'s clock samples set the mapping before the first tap: taps that reach the host late keep their rhythm', async () => {
    h = await controlHarness();
    const url = await listen(h.server, '127.0.0.1', 0);
    const tablet = await client(url);
    // The tablet's clock runs 10 s ahead of the host's. Its four taps, 500 ms apart, all reach the host
    // now, the first 1.6 s late (a busy tablet or network). With nothing but the taps to go by, the host
    // can only take them as they arrive (intervals too short to be taps); with the samples a page sends
    // as it connects, each lands at its own moment: 120 BPM.
    const clock = (): number => performance.now() + 10_000;
    for (let i = 0; i < 3; i++) tablet.emit('clock', clock());
    tablet.emit('clock', -5); // not a time: ignored
    h.engine.params.set('/clock/bpm', 90);
    h.driver.tick();
    const now = clock();
    for (const ago of [1600, 1100, 600, 100]) tablet.emit('action', { path: '/clock/tap', at: now - ago });
    await until(() => h.engine.params.get('/clock/bpm') !== 90, 2000, 'the taps applied', () => h.driver.tick());
    expect(Math.abs((h.engine.params.get('/clock/bpm') as number) - 120)).toBeLessThan(1);
  });

  it('taps held up and let through together keep the intervals the tablet measured, though each arrives quicker than the last', async () => {
    h = await controlHarness();
    const url = await listen(h.server, '127.0.0.1', 0);
    const tablet = await client(url);
    // Everything the tablet sends is held up 2.1 s (its clock samples too), then its four taps, 700 ms
    // apart, come through at once: each arrives quicker than the one before, and each lowers the offset
    // learnt. Mapped with that falling offset they would all land at their arrival (a bounce, no tempo);
    // mapped with the burst's first offset they keep the tablet's 700 ms: 85.7 BPM.
    for (let i = 0; i < 3; i++) tablet.emit('clock', performance.now() - 2100);
    h.engine.params.set('/clock/bpm', 120);
    h.driver.tick();
    const now = performance.now();
    for (const ago of [2100, 1400, 700, 0]) tablet.emit('action', { path: '/clock/tap', at: now - ago });
    await until(() => h.engine.params.get('/clock/bpm') !== 120, 2000, 'the taps applied', () => h.driver.tick());
    expect(Math.abs((h.engine.params.get('/clock/bpm') as number) - 60_000 / 700)).toBeLessThan(1);
  });

  it('previews: JPEGs at the asked size to subscribers; a client that does not keep up gets fewer, the other is not slowed', async () => {
    h = await controlHarness();
    const url = await listen(h.server, '127.0.0.1', 0);
    const fast = await client(url);
    const slow = await client(url);
    const fastFrames: { width: number; jpeg: Uint8Array | ArrayBuffer }[] = [];
    let slowFrames = 0;
    fast.on('preview', (frame, ack) => {
      fastFrames.push(frame);
      ack();
    });
    // A slow tablet: it acknowledges each preview only after 500 ms.
    slow.on('preview', (_frame, ack) => {
      slowFrames++;
      setTimeout(ack, 500);
    });
    fast.emit('subscribe', { preview: { width: 48, quality: 60, fps: 20 } });
    slow.emit('subscribe', { preview: { width: 48, quality: 60, fps: 20 } });
    // The same 20 previews a second asked by both: the fast client takes each; the slow one, one per half second at best.
    await until(() => fastFrames.length >= 12, 10_000, 'twelve previews to the fast client', () => h.driver.tick());
    expect(fastFrames.length).toBeGreaterThan(slowFrames * 2);
    const first = fastFrames[0]!;
    expect(first.width).toBe(48);
    expect([...new Uint8Array(first.jpeg instanceof ArrayBuffer ? first.jpeg : first.jpeg.buffer.slice(first.jpeg.byteOffset, first.jpeg.byteOffset + 3))].slice(0, 3)).toEqual([0xff, 0xd8, 0xff]); // a JPEG
    expect(h.server.live.stats().previewsDropped).toBeGreaterThan(0);
  });

  it('on the network: a socket without the right token is refused', async () => {
    h = await controlHarness({ token: 'tablet-token-42' });
    const url = await listen(h.server, '127.0.0.1', 0);
    await expect(client(url)).rejects.toThrow();
    await expect(client(url, { token: 'wrong' })).rejects.toThrow();
    // Refused before any session is made: the handshake itself answers with no session id.
    const handshake = await fetch(`${url}/socket.io/?EIO=4&transport=polling`);
    expect(handshake.status).toBe(403);
    expect(await handshake.text()).not.toContain('sid');
    expect(h.server.live.stats().clients).toBe(0);
    const ok = await client(url, { token: 'tablet-token-42' });
    expect(ok.list.length).toBeGreaterThan(10);
  });
});
