import { encode } from 'node-osc';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../helpers/until.js';
import { OncePerKind } from '../../core/once-per-kind.js';
import { handled, oscHarness, snapshot, type OscHarness } from '../helpers/osc-harness.js';
import { recordingLog } from '../helpers/recording-log.js';

let h: OscHarness;
afterEach(async () => {
  await h?.close(); // idempotent: a test that made no harness leaves the previous, closed one
});

/** Sends raw bytes and waits until the host has looked at the packet. */
async function sendRaw(packet: Buffer): Promise<void> {
  const before = snapshot(h.osc);
  await h.client.sendRaw(h.port, packet);
  await handled(h.osc, before, 1, 'packets');
}

const message = (address: string, ...args: unknown[]) => encode({ oscType: 'message', address, args });

function nested(depth: number): Record<string, unknown> {
  let element: Record<string, unknown> = { oscType: 'message', address: '/mixer/crossfade', args: [{ type: 'f', value: 0.9 }] };
  for (let i = 0; i < depth; i++) element = { oscType: 'bundle', timetag: 0, elements: [element] };
  return element;
}

describe('OSC bad input: counted by kind, logged, and the show goes on', () => {
  it.each([
    ['a string where a number is expected', () => message('/deck/a/fx/0/zoom', { type: 's', value: 'big' }), 'wrong-type'],
    ['a blob where a number is expected', () => message('/deck/a/fx/0/zoom', { type: 'b', value: Buffer.from([1, 2]) }), 'wrong-type'],
    ['NaN', () => message('/deck/a/fx/0/zoom', { type: 'f', value: Number.NaN }), 'not-finite'],
    ['Infinity', () => message('/deck/a/fx/0/zoom', { type: 'f', value: Infinity }), 'not-finite'],
    ['no argument', () => message('/deck/a/fx/0/zoom'), 'missing-argument'],
    ['an unknown type tag', () => Buffer.concat([Buffer.from('/deck/a/fx/0/zoom\0\0\0'), Buffer.from(',Q\0\0'), Buffer.alloc(8)]), 'malformed'],
    ['an array where a number is expected', () => Buffer.concat([Buffer.from('/deck/a/fx/0/zoom\0\0\0'), Buffer.from(',[i]\0\0\0\0'), Buffer.alloc(4)]), 'wrong-type'],
    ['a MIDI message where a number is expected', () => Buffer.concat([Buffer.from('/deck/a/fx/0/zoom\0\0\0'), Buffer.from(',m\0\0'), Buffer.from([0, 0x90, 60, 100])]), 'wrong-type'],
    ['an unclosed array', () => Buffer.concat([Buffer.from('/deck/a/fx/0/zoom\0\0\0'), Buffer.from(',[i\0'), Buffer.alloc(4)]), 'malformed'],
    ['random bytes', () => Buffer.from([0xde, 0xad, 0xbe, 0xef, 1, 2, 3]), 'malformed'],
    ['an empty packet', () => Buffer.alloc(0), 'malformed'],
    ['a truncated packet', () => message('/deck/a/fx/0/zoom', { type: 'f', value: 2 }).subarray(0, 22), 'malformed'],
    ['a bundle with a lying element size', () => Buffer.concat([Buffer.from('#bundle\0'), Buffer.alloc(8), Buffer.from([0, 0, 0x40, 0])]), 'malformed'],
    ['an address without a slash', () => message('deck/a/fx/0/zoom', 2), 'bad-address'],
    ['a malformed pattern', () => message('/deck/[a/fx/0/zoom', 2), 'bad-address'],
    ['a 64 KB string argument', () => message('/deck/a/fx/0/zoom', { type: 's', value: 'x'.repeat(65_000) }), 'wrong-type'],
    ['a 64 KB packet of garbage', () => Buffer.alloc(65_000, 0x41), 'malformed'],
    ['bundles nested 100 deep', () => encode(nested(100)), 'too-deep'],
  ])('%s', async (_name, packet, kind) => {
    const lines: string[] = [];
    h = await oscHarness({}, recordingLog(lines));
    h.driver.tick();
    await sendRaw(packet());
    h.driver.tick();
    expect(h.osc.stats().bad[kind as 'malformed']).toBe(1);
    // The OSC thread reports to the log through a message: wait for it.
    await until(() => lines.length > 0, 3000, 'the log line');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`OSC ${kind}`);
    expect(h.engine.params.get('/deck/a/fx/0/zoom')).toBe(1);
    expect(h.engine.params.get('/mixer/crossfade')).toBe(0);
    // Still listening and applying good input afterwards.
    const before = snapshot(h.osc);
    await h.client.send(h.port, '/deck/a/fx/0/zoom', { type: 'f', value: 2 });
    await handled(h.osc, before);
    h.driver.tick();
    expect(h.engine.params.get('/deck/a/fx/0/zoom')).toBe(2);
  });

  it('bundles nested within the limit still apply', async () => {
    h = await oscHarness();
    await sendRaw(encode(nested(20)));
    h.driver.tick();
    expect(h.engine.params.get('/mixer/crossfade')).toBeCloseTo(0.9, 6);
  });

  it('hears only allowed senders when osc.allow is set', async () => {
    h = await oscHarness({ allow: ['10.1.2.3'] });
    await sendRaw(message('/mixer/crossfade', 0.5));
    h.driver.tick();
    expect(h.osc.stats().bad['not-allowed']).toBe(1);
    expect(h.engine.params.get('/mixer/crossfade')).toBe(0);
  });

  it('reports a port already in use and keeps the show running', async () => {
    h = await oscHarness();
    const { OscInput } = await import('../../inputs/osc/osc-input.js');
    const lines: string[] = [];
    const second = new OscInput(h.engine, { port: h.port, bind: '127.0.0.1', allow: [], feedback: [], signals: {}, enabled: true }, recordingLog(lines));
    expect(await second.start()).toBeNull();
    expect(second.stats().state).toBe('failed');
    expect(lines[0]).toMatch(/OSC input unavailable on 127\.0\.0\.1:\d+: .*EADDRINUSE.*the show goes on/);
    h.driver.tick();
    expect(h.engine.stats().frames).toBeGreaterThan(0);
  });

  it('logs each kind at most once per second, with a count of what it held back', () => {
    let now = 0;
    const lines: string[] = [];
    const once = new OncePerKind((kind, message, extra) => lines.push(`${kind}:${message}:${extra.suppressed}`), 1000, () => now);
    for (let i = 0; i < 500; i++) {
      now = i * 5; // 500 reports over 2.5 s
      once.note('malformed', 'x');
      once.note('wrong-type', 'y');
    }
    expect(lines.filter((l) => l.startsWith('malformed'))).toEqual(['malformed:x:0', 'malformed:x:199', 'malformed:x:199']);
    expect(once.total('malformed')).toBe(500);
  });
});
