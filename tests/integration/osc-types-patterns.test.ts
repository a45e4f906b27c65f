import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLog } from '../../core/log.js';
import { setupPresets } from '../../host/presets-setup.js';
import { compilePattern } from '../../inputs/osc/address-pattern.js';
import { OscFeedback, SUBSCRIPTION_LEASE_MS } from '../../inputs/osc/osc-feedback.js';
import { FeedbackCoalescer } from '../../params/feedback-coalescer.js';
import { ParamSpace } from '../../params/param-space.js';
import { kernelUdpDrops } from '../../inputs/osc/udp-drops.js';
import { handled, oscHarness, snapshot, type OscHarness } from '../helpers/osc-harness.js';
import { until } from '../helpers/until.js';

let h: OscHarness | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await h?.close();
  h = undefined;
  while (cleanups.length) cleanups.pop()!();
});

/** An OSC message built byte by byte, for the types node-osc cannot write (h t c r S I and arrays). */
function raw(address: string, tags: string, ...args: Buffer[]): Buffer {
  const padded = (text: string): Buffer => {
    const bytes = Buffer.from(`${text}\0`);
    return Buffer.concat([bytes, Buffer.alloc((4 - (bytes.length % 4)) % 4)]);
  };
  return Buffer.concat([padded(address), padded(`,${tags}`), ...args]);
}
const int32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const double = (n: number): Buffer => {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(n);
  return b;
};
const int64 = (n: bigint): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(n);
  return b;
};

async function sendRaw(packet: Buffer, field: 'messages' | 'packets' = 'messages'): Promise<void> {
  const before = snapshot(h!.osc);
  await h!.client.sendRaw(h!.port, packet);
  await handled(h!.osc, before, 1, field);
}

describe('OSC types as other clients send them', () => {
  it('takes d (liblo oscsend), h, S, c and r where a parameter can hold them', async () => {
    h = await oscHarness();
    await sendRaw(raw('/deck/a/fx/0/zoom', 'd', double(1.5)));
    await sendRaw(raw('/deck/a/fx/0/decay', 'h', int64(0n)));
    await sendRaw(raw('/deck/a/fx/0/key', 'S', Buffer.from('luma\0\0\0\0')));
    await sendRaw(raw('/deck/b/source/color', 'r', Buffer.from([0x12, 0xab, 0xff, 0x80])));
    h.driver.tick();
    expect(h.engine.params.get('/deck/a/fx/0/zoom')).toBe(1.5);
    expect(h.engine.params.get('/deck/a/fx/0/decay')).toBe(0);
    expect(h.engine.params.get('/deck/a/fx/0/key')).toBe('luma');
    expect(h.engine.params.get('/deck/b/source/color')).toBe('#12abff');
    expect(h.osc.stats().bad).toEqual({});
  });

  it('refuses by kind what a parameter cannot hold: a colour for a number, a char for a number', async () => {
    h = await oscHarness();
    await sendRaw(raw('/deck/a/fx/0/zoom', 'r', Buffer.from([1, 2, 3, 4])));
    await sendRaw(raw('/deck/a/fx/0/zoom', 'c', int32(65)));
    h.driver.tick();
    expect(h.osc.stats().bad).toEqual({ 'wrong-type': 2 });
    expect(h.engine.params.get('/deck/a/fx/0/zoom')).toBe(1);
  });

  it('an impulse (I) fires an action that takes no argument; a t time tag argument decodes', async () => {
    h = await oscHarness();
    await sendRaw(raw('/env/env1/trigger', 'I'));
    await sendRaw(raw('/deck/a/fx/0/zoom', 'tf', Buffer.alloc(8), Buffer.from([0x40, 0, 0, 0])));
    h.driver.tick();
    expect(h.osc.stats().applied).toBe(2);
    expect(h.engine.params.get('/deck/a/fx/0/zoom')).toBe(0.25); // the first argument, the time tag 0, clamped to the range
  });
});

describe('actions are checked like parameters', () => {
  it('/output/<id>/enabled with no argument, NaN or a word leaves the output running; 0 stops it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vj-host-test-osc-shm-'));
    const previous = process.env.VJ_HOST_SHM_DIR;
    process.env.VJ_HOST_SHM_DIR = dir;
    cleanups.push(() => {
      process.env.VJ_HOST_SHM_DIR = previous;
      fs.rmSync(dir, { recursive: true, force: true });
    });
    h = await oscHarness({}, silentLog, { show: { outputs: [{ type: 'shm', id: 'main', name: `osc-actions-${process.pid}` }] } });
    const state = (): string => h!.engine.outputManager.get('main').stats.state;
    h.driver.tick();
    expect(state()).toBe('running');
    await sendRaw(raw('/output/main/enabled', ''));
    await sendRaw(raw('/output/main/enabled', 'f', Buffer.from([0x7f, 0xc0, 0, 0])));
    await sendRaw(raw('/output/main/enabled', 's', Buffer.from('off\0')));
    h.driver.tick(2);
    expect(state()).toBe('running');
    expect(h.osc.stats().bad).toEqual({ 'missing-argument': 2, 'wrong-type': 1 });
    await sendRaw(raw('/output/main/enabled', 'i', int32(0)));
    await until(() => state() === 'stopped', 3000, 'the output to stop on 0', () => h!.driver.tick());
  });

  it('the pattern /*/* sets parameters but fires no action: no preset saved, the beat not moved', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vj-host-test-osc-presets-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    let presets: ReturnType<typeof setupPresets> | undefined;
    h = await oscHarness({}, silentLog, {
      setup: (engine) => {
        presets = setupPresets(engine, { dir, bank: 'default', cues: [], autosave: false }, silentLog, { resume: false });
      },
    });
    await sendRaw(raw('/*/*', 'f', Buffer.from([0x3f, 0x80, 0, 0])));
    h.driver.tick(2);
    expect(h.engine.params.get('/mixer/crossfade')).toBe(1);
    // The same action by its own address does save; a save the pattern had fired would have come first.
    await sendRaw(raw('/preset/save', 's', Buffer.from('Named\0\0\0')));
    await until(() => presets!.cached('default').length > 0, 3000, 'the saved preset', () => h!.driver.tick());
    expect(presets!.cached('default').map((p) => p.name)).toEqual(['Named']);
    expect(fs.readdirSync(path.join(dir, 'default'))).toEqual(['Named.json']);
  });

  it('a pattern may fire actions that allow it: every envelope at once', async () => {
    h = await oscHarness();
    await sendRaw(raw('/env/*/trigger', ''));
    h.driver.tick();
    expect(h.osc.stats().applied).toBe(2);
    h.driver.tick(2);
    expect(h.engine.modulation.bus.valueOf('env1:out')).toBeGreaterThan(0);
    expect(h.engine.modulation.bus.valueOf('env2:out')).toBeGreaterThan(0);
  });
});

describe('address patterns match in linear time', () => {
  it('40 stars and a miss: the OSC thread answers the next valid message at once and counts the pattern as matching nothing', async () => {
    h = await oscHarness();
    const evil = `/deck/a/source/${'*'.repeat(40)}Z`;
    const start = snapshot(h.osc);
    for (let i = 0; i < 20; i++) await h.client.send(h.port, evil, 1);
    await handled(h.osc, start, 20);
    const before = snapshot(h.osc);
    await h.client.send(h.port, '/deck/a/fx/0/zoom', { type: 'f', value: 2 });
    await handled(h.osc, before);
    h.driver.tick();
    expect(h.engine.params.get('/deck/a/fx/0/zoom')).toBe(2);
    expect(h.osc.stats().bad['no-match']).toBe(20);
  });

  it('the matcher agrees with OSC 1.0 on stars, sets, ranges, negation and words, and never crosses a slash', () => {
    const cases: [string, string, boolean][] = [
      ['/deck/*/fx/0/zoom', '/deck/a/fx/0/zoom', true],
      ['/deck/*', '/deck/a/fx', false],
      ['/deck/?/source/speed', '/deck/b/source/speed', true],
      ['/deck/[ab]/x', '/deck/b/x', true],
      ['/deck/[!ab]/x', '/deck/b/x', false],
      ['/deck/[a-c]/x', '/deck/c/x', true],
      ['/lfo/{lfo1,lfo3}/rate', '/lfo/lfo3/rate', true],
      ['/lfo/{lfo1,lfo3}/rate', '/lfo/lfo2/rate', false],
      ['/lfo/lfo*', '/lfo/lfo12', true],
      ['/a/*b*c*', '/a/xbyc', true],
      ['/a/*b*c*', '/a/xcyb', false],
      [`/a/${'*'.repeat(200)}Z`, `/a/${'x'.repeat(300)}`, false],
    ];
    for (const [pattern, address, expected] of cases) expect([pattern, compilePattern(pattern)!.matches(address)]).toEqual([pattern, expected]);
    expect(compilePattern('/deck/[a')).toBeNull();
    expect(compilePattern('/deck/a}')).toBeNull();
  });
});

describe('places any sender could fill forever', () => {
  it('one sender creates at most 256 signal addresses; another sender still gets its own', async () => {
    h = await oscHarness();
    // In batches, each handled before the next: 300 at once could overflow the socket's buffer on a busy machine.
    for (let batch = 0; batch < 6; batch++) {
      const start = snapshot(h.osc);
      for (let i = 0; i < 50; i++) await h.client.send(h.port, `/junk/${batch * 50 + i}`, { type: 'f', value: 0.5 });
      await handled(h.osc, start, 50);
    }
    expect(h.osc.stats().signals).toBe(256);
    expect(h.osc.stats().bad['too-many-signals']).toBe(44);
    // Another tablet is another address: a second loopback address (127.0.0.2) stands in for it.
    const other = dgram.createSocket('udp4');
    cleanups.push(() => other.close());
    await new Promise<void>((resolve) => other.bind(0, '127.0.0.2', resolve));
    const before = snapshot(h.osc);
    await new Promise<void>((resolve, reject) => other.send(raw('/1/fader1', 'f', Buffer.from([0x3f, 0, 0, 0])), h!.port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
    await handled(h.osc, before);
    expect(h.osc.stats().signals).toBe(257);
    expect(h.osc.stats().bad['too-many-signals']).toBe(44);
  });

  it('feedback subscriptions: the 33rd is refused while 32 are live, and gets a place once one has lapsed', () => {
    let now = 0;
    const params = new ParamSpace();
    const feedback = new OscFeedback(params, new FeedbackCoalescer(params), () => {}, () => now);
    for (let port = 1; port <= 32; port++) expect(feedback.add({ host: '10.0.0.2', port, originKey: `k${port}`, fromShow: false })).toBe(true);
    expect(feedback.add({ host: '10.0.0.3', port: 9, originKey: 'late', fromShow: false })).toBe(false);
    now = SUBSCRIPTION_LEASE_MS - 1;
    feedback.add({ host: '10.0.0.2', port: 1, originKey: 'k1', fromShow: false }); // renewed
    now = SUBSCRIPTION_LEASE_MS + 1;
    expect(feedback.add({ host: '10.0.0.3', port: 9, originKey: 'late', fromShow: false })).toBe(true);
    expect(feedback.list().map((d) => d.port).sort((a, b) => a - b)).toEqual([1, 9]);
  });
});

describe('datagrams the kernel dropped', () => {
  it('are read from the socket\'s drop counter: a socket that never reads, sent 2,000 datagrams, shows drops', async () => {
    // A reader that never reads (Node always does): python holding a bound socket with a small buffer.
    const child = spawn('python3', ['-c', 'import socket,sys,time\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.setsockopt(socket.SOL_SOCKET,socket.SO_RCVBUF,2048)\ns.bind(("127.0.0.1",0))\nprint(s.getsockname()[1],flush=True)\nsys.stdin.read()'], { stdio: ['pipe', 'pipe', 'inherit'] });
    cleanups.push(() => child.kill('SIGKILL'));
    const port = await new Promise<number>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
    expect(kernelUdpDrops(port)).toBe(0);
    const sender = dgram.createSocket('udp4');
    cleanups.push(() => sender.close());
    for (let i = 0; i < 2000; i++) await new Promise<void>((resolve) => sender.send(raw('/x', 'f', Buffer.alloc(4)), port, '127.0.0.1', () => resolve()));
    await until(() => (kernelUdpDrops(port) ?? 0) > 0, 5000, 'drops counted by the kernel');
    expect(kernelUdpDrops(65_000 + (port % 7))).toBeNull(); // a port nobody holds
  });

  it('are in the OSC stats', async () => {
    h = await oscHarness();
    expect(h.osc.stats().kernelDropped).toBe(0);
  });
});
