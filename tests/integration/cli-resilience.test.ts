import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualDriver } from '../../core/driver.js';
import { silentLog } from '../../core/log.js';
import { buildEngine } from '../../host/build-engine.js';
import { checkShow } from '../../host/show.js';
import type { Output, OutputStats } from '../../outputs/contract.js';
import { registerBuiltins } from '../../pipelines/builtins/index.js';
import { PipelineRegistry } from '../../pipelines/registry.js';
import { hostPerTest, surfaceUrl, tempDir, uniqueShmName, writeJson } from '../helpers/host-process.js';
import { until } from '../helpers/until.js';

const hosts = hostPerTest();

describe('start-up speaks in the host\'s own words', () => {
  it('no ALSA, PortAudio or RtMidi chatter before the first status line; one line each for audio and MIDI', async () => {
    const host = hosts.start(['--no-ui']);
    await host.waitFor(/vj-host running/);
    const out = host.output();
    expect(out).not.toMatch(/ALSA lib|PortAudio V|MidiInAlsa|Input audio options/);
    const lines = out.trim().split('\n');
    expect(lines.every((l) => l.startsWith('{'))).toBe(true); // every line is one of the host's own log records
    if (/"part":"audio"/.test(out)) expect(out).toMatch(/audio: (no capture device|.* unavailable: .*) — the show runs without audio signals/);
  }, 30_000);
});

describe('a presets folder holding what is not a preset', () => {
  it('a FIFO and a live-state FIFO at start: the host comes up and lists the real presets', async () => {
    const dir = tempDir('fifo-presets');
    hosts.remove(dir);
    fs.mkdirSync(path.join(dir, 'default'));
    spawnSync('mkfifo', [path.join(dir, 'default', 'pipe.json'), path.join(dir, '.live-state.json')]);
    fs.writeFileSync(path.join(dir, 'default', 'Real.json'), JSON.stringify({ version: 2, name: 'Real', bank: 'default', params: {}, tags: [], created: '2026-01-01T00:00:00Z', updated: '2026-01-01T00:00:00Z', transition: { mode: 'instant', duration: 0, unit: 'seconds', curve: 'linear', switchAt: 'start', quantize: 'none' } }));
    const host = hosts.start(['--presets', dir, '--no-status']);
    const base = await surfaceUrl(host);
    const listed = (await (await fetch(`${base}/api/presets`)).json()) as { presets: { name: string }[]; problems: { reason: string }[] };
    expect(listed.presets.map((p) => p.name)).toEqual(['Real']);
    expect(host.output()).toMatch(/preset skipped: default\/pipe\.json: not a plain file/);
  }, 30_000);
});

describe('an output that cannot start does not hold up the show', () => {
  it('a recording folder under /proc: the host comes up, the shm output runs, the recording says failed and why', async () => {
    const dir = tempDir('resilience');
    const shmName = uniqueShmName('resilience');
    hosts.remove(dir, path.join('/dev/shm', shmName));
    const show = writeJson(dir, 'show.json', {
      size: '64x36',
      decks: [{ id: 'a', source: { pipeline: 'test-pattern' } }],
      outputs: [{ type: 'shm', name: shmName }, { type: 'record', id: 'rec', dir: '/proc/vj-host-nope' }],
    });
    const host = hosts.start(['--show', show, '--no-status']);
    const base = await surfaceUrl(host);
    const outputs = async () => ((await (await fetch(`${base}/api/outputs`)).json()) as { outputs: { id: string; stats: OutputStats }[] }).outputs;
    await until(async () => ((await outputs()).find((o) => o.id === 'shm')?.stats.sent ?? 0) > 5, 10_000, 'frames on the shm output');
    const rec = (await outputs()).find((o) => o.id === 'rec')!;
    expect(rec.stats.state).toBe('failed');
    expect(rec.stats.lastError).toMatch(/ENOENT.*\/proc\/vj-host-nope/);
  }, 30_000);

  it('an output whose start never returns is left out after its time limit; the frame loop starts with the others', async () => {
    const registry = new PipelineRegistry();
    registerBuiltins(registry);
    const show = checkShow({ size: '32x18', decks: [{ id: 'a', source: { pipeline: 'solid' } }] }, registry);
    const driver = new ManualDriver();
    const engine = await buildEngine(show, registry, { driver, log: silentLog });
    const stats = (id: string): OutputStats => ({ id, type: 'test', state: 'starting', sent: 0, dropped: 0, lastError: null, detail: {} });
    let sent = 0;
    // Stands in for a device that never answers (none can be made to hang on demand here).
    const hanging: Output = { id: 'hang', type: 'test', start: () => new Promise(() => {}), submit: () => {}, stats: () => stats('hang'), stop: () => Promise.resolve() };
    const fine: Output = { id: 'fine', type: 'test', start: () => Promise.resolve(), submit: () => void sent++, stats: () => stats('fine'), stop: () => Promise.resolve() };
    engine.addOutput(hanging);
    engine.addOutput(fine);
    await engine.start();
    expect(engine.startFailure(hanging)).toBe('did not start within 5 s');
    expect(engine.outputList().map((o) => o.id)).toEqual(['fine']);
    driver.tick(2);
    expect(sent).toBe(2);
    await engine.stop();
  }, 15_000);
});

describe('mDNS from inside the host', () => {
  it('advertises OSCQuery and OSC so a browser on this machine finds them, with no process of its own left to orphan', async () => {
    const host = hosts.start(['--no-ui', '--no-status']);
    await host.waitFor(/OSCQuery at http:\/\/127\.0\.0\.1:(\d+)\//);
    const queryPort = Number(/OSCQuery at http:\/\/127\.0\.0\.1:(\d+)\//.exec(host.output())![1]);
    const { Bonjour } = await import('bonjour-service');
    const bonjour = new Bonjour({}, () => {});
    try {
      const found: { name: string; port: number }[] = [];
      const browser = bonjour.find({ type: 'oscjson', protocol: 'tcp' }, (service) => found.push({ name: service.name, port: service.port }));
      await until(() => found.some((s) => s.port === queryPort), 10_000, 'the OSCQuery service over mDNS', () => browser.update());
      expect(found.find((s) => s.port === queryPort)!.name).toBe(`vj-host (${os.hostname()}:${queryPort})`);
      browser.stop();
    } finally {
      bonjour.destroy();
    }
    // No avahi-publish or any other child but the spawner's helper, which goes with the host: a SIGKILL leaves nothing behind.
    const children = spawnSync('ps', ['-o', 'pid=,args=', '--ppid', String(host.child.pid)], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean);
    expect(children.map((c) => c.replace(/^\s*\d+\s+/, '').replace(/^.*\/dist\//, 'dist/'))).toEqual(['dist/core/spawner-helper.js']);
    const helper = Number(/^\s*(\d+)/.exec(children[0]!)![1]);
    host.child.kill('SIGKILL');
    await until(() => !/^[^Z]/m.test(spawnSync('ps', ['-o', 'stat=', '-p', String(helper)], { encoding: 'utf8' }).stdout.trim()), 10_000, "the helper gone with the host");
  }, 30_000);
});
