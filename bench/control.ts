import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import path from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { RealtimeDriver } from '../core/driver.js';
import { silentLog } from '../core/log.js';
import { buildEngine } from '../host/build-engine.js';
import type { Engine } from '../host/engine.js';
import { defaultShow } from '../host/default-show.js';
import { deckAOnlyShow } from './picture-only.js';
import { setupPresets } from '../host/presets-setup.js';
import { checkShow } from '../host/show.js';
import { registerBuiltins } from '../pipelines/builtins/index.js';
import { PipelineRegistry } from '../pipelines/registry.js';
import { createControlServer, listen } from '../control-surface/server.js';
import { OscInput } from '../inputs/osc/osc-input.js';
import type { ClientToServer, ServerToClient } from '../control-surface/protocol.js';
import { info, lowerIsBetter, percentile, type Bench, type Metric } from './result.js';

const SECONDS = Number(process.env.BENCH_CONTROL_SECONDS ?? 6);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Client = Socket<ServerToClient, ClientToServer>;

async function client(url: string): Promise<Client> {
  const socket: Client = connect(url, { transports: ['websocket'], reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('params:list', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

/** A fader move from one client (in a process of its own, like a browser): applied by the host, and received by a second client. */
async function faderLatency(engine: Engine, url: string, frameMs: number): Promise<Metric[]> {
  // The clients run in a process of their own, like a browser: their event loop is not the host's.
  const sentAt = new Map<number, number>();
  const applied: number[] = [];
  const received: number[] = [];
  const off = engine.params.onChange((entry, value) => {
    const at = sentAt.get(value as number);
    if (entry.path === '/mixer/crossfade' && at !== undefined) applied.push(performance.timeOrigin + performance.now() - at);
  });
  const child = spawn(process.execPath, [fileURLToPath(new URL('./control-clients-process.js', import.meta.url)), url, '150'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let partial = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const [kind, value, at] = line.split(' ');
      if (kind === 'sent') sentAt.set(Number(value), Number(at));
      else if (kind === 'received' && sentAt.has(Number(value))) received.push(Number(at) - sentAt.get(Number(value))!);
    }
  });
  await new Promise((r) => child.once('exit', r));
  off();
  applied.sort((a, b) => a - b);
  received.sort((a, b) => a - b);
  const goal = Math.round((frameMs + 5) * 10) / 10;
  return [
    info('socket change -> applied by the host (p50)', percentile(applied, 0.5), 'ms'),
    lowerIsBetter('socket change -> applied by the host (p99)', percentile(applied, 0.99), 'ms', goal),
    info('socket change -> second client (p50)', percentile(received, 0.5), 'ms'),
    lowerIsBetter('socket change -> second client (p99)', percentile(received, 0.99), 'ms', goal),
    info('changes measured', Math.min(applied.length, received.length), 'changes', 'higher'),
  ];

}

/** The host's CPU with 0, 1 and 5 clients watching the preview at 15 fps. */
async function previewCpu(url: string): Promise<Metric[]> {
  const cpuOver = async (seconds: number): Promise<number> => {
    const before = process.cpuUsage();
    const t0 = performance.now();
    await sleep(seconds * 1000);
    const used = process.cpuUsage(before);
    return ((used.user + used.system) / 1000 / (performance.now() - t0)) * 100;
  };
  await sleep(500);
  const idle = await cpuOver(SECONDS);
  const metrics: Metric[] = [info('host CPU, no client', idle, '% of one core')];
  for (const count of [1, 5]) {
    const watchers = await Promise.all(Array.from({ length: count }, () => client(url)));
    let frames = 0;
    for (const w of watchers) {
      w.on('preview', (_frame, ack) => {
        frames++;
        ack();
      });
      w.emit('subscribe', { preview: { width: 640, quality: 70, fps: 15 }, stats: true });
    }
    await sleep(1000);
    frames = 0;
    const cpu = await cpuOver(SECONDS);
    metrics.push(
      info(`host CPU added by ${count} preview client(s) at 15 fps`, cpu - idle, '% of one core'),
      info(`previews received per client per second (${count} client(s))`, frames / count / SECONDS, 'fps', 'higher'),
    );
    for (const w of watchers) w.disconnect();
    await sleep(300);
  }
  return metrics;
}

/**
 * The default show at 720p30 with the control surface on 127.0.0.1: a fader move from one client ->
 * applied by the host (the frame that shows it) and -> received by a second client; then the host's CPU
 * with 0, 1 and 5 clients watching the preview at 15 fps.
 */
async function run(): Promise<Metric[]> {
  const registry = new PipelineRegistry();
  registerBuiltins(registry);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vj-host-bench-control-'));
  const show = checkShow({ ...deckAOnlyShow, outputs: [], osc: { ...defaultShow.osc, enabled: false }, presets: { ...defaultShow.presets, dir, autosave: false } }, registry);
  const engine = await buildEngine(show, registry, { driver: new RealtimeDriver(), log: silentLog });
  const presets = setupPresets(engine, show.presets, silentLog, { resume: false, registry });
  await engine.start();
  const server = createControlServer({ engine, registry, presets, midi: null, show, showFile: null, version: 'bench' }, { host: '127.0.0.1', port: 0, token: null, log: silentLog });
  const url = await listen(server, '127.0.0.1', 0);
  const metrics: Metric[] = [];
  try {
    metrics.push(...(await faderLatency(engine, url, 1000 / show.fps)));
    metrics.push(...(await previewCpu(url)));
    metrics.push(lowerIsBetter('frames the loop skipped during the control bench', engine.stats().droppedFrames, 'frames', 0));
  } finally {
    await server.close();
    presets.stop();
    await engine.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return metrics;
}

/**
 * The largest bodies the API and the socket accept, sent as fast as one client can, while the default
 * show runs at 720p30: the worst gap between two frames, against the worst gap of the same show with no
 * traffic in the same run. Goal: the bodies add less than one frame period.
 */
async function largestBodiesMetrics(): Promise<Metric[]> {
  const registry = new PipelineRegistry();
  registerBuiltins(registry);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vj-host-bench-bodies-'));
  const show = checkShow({ ...deckAOnlyShow, outputs: [], osc: { ...defaultShow.osc, enabled: false }, presets: { ...defaultShow.presets, dir, autosave: false } }, registry);
  const engine = await buildEngine(show, registry, { driver: new RealtimeDriver(), log: silentLog });
  const presets = setupPresets(engine, show.presets, silentLog, { resume: false, registry });
  await presets.ready;
  let last = 0;
  let worst = 0;
  engine.addClockListener(() => {
    const now = performance.now();
    if (last) worst = Math.max(worst, now - last);
    last = now;
  });
  await engine.start();
  const server = createControlServer({ engine, registry, presets, midi: null, show, showFile: null, version: 'bench' }, { host: '127.0.0.1', port: 0, token: null, log: silentLog });
  const url = await listen(server, '127.0.0.1', 0);
  const measure = async (work: () => Promise<void>): Promise<number> => {
    last = 0;
    worst = 0;
    await work();
    return worst;
  };
  try {
    await sleep(1000);
    const quiet = await measure(async () => {
      await sleep(SECONDS * 1000);
    });
    const junk: Record<string, number> = {};
    for (let i = 0; i < 6_500; i++) junk[`k${i.toString(36)}`] = 1;
    const unknownFields = JSON.stringify({ changes: {}, ...junk });
    const deep = `${'{"a":'.repeat(40_000)}1${'}'.repeat(40_000)}`;
    const socket = await client(url);
    // A bad subscribe is refused, the socket stays: one refusal per emit.
    const names = Array.from({ length: 40 }, () => 'x'.repeat(1500));
    let requests = 0;
    const loaded = await measure(async () => {
      const until = performance.now() + SECONDS * 1000;
      while (performance.now() < until) {
        await fetch(`${url}/api/params`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: unknownFields });
        await fetch(`${url}/api/show`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: deep });
        socket.emit('subscribe', { signals: { names, rate: 10 } });
        requests += 3;
      }
    });
    socket.disconnect();
    const frameMs = 1000 / show.fps;
    return [
      info('worst frame gap, no traffic', quiet, 'ms'),
      info('worst frame gap while the largest bodies arrive', loaded, 'ms'),
      lowerIsBetter('frame time the largest bodies add to the worst frame', Math.max(0, loaded - quiet), 'ms', Math.round(frameMs * 10) / 10),
      info('largest bodies sent (6,500 unknown fields in 63 KB, 40,000 levels of nesting in a 240 KB show, a 60 KB socket subscribe)', requests / SECONDS, 'per s', 'higher'),
    ];
  } finally {
    await server.close();
    presets.stop();
    await engine.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Valid OSC traffic beside a stream of pathological patterns (40 stars then a miss, each a new address
 * so no cache helps), from another process: UDP send -> change queued for the valid messages, against
 * the same valid traffic beside plain messages in the same run. Goal: p99 under 1 ms.
 */
async function pathologicalPatternMetrics(): Promise<Metric[]> {
  const registry = new PipelineRegistry();
  registerBuiltins(registry);
  const show = checkShow({ size: '640x360', decks: [{ id: 'a', source: { pipeline: 'test-pattern' }, chain: [{ pipeline: 'feedback' }] }], osc: { port: 0 } }, registry);
  const engine = await buildEngine(show, registry, { driver: new RealtimeDriver(), log: silentLog });
  await engine.start();
  const osc = new OscInput(engine, show.osc, silentLog);
  const port = (await osc.start())!;
  const queued = new Map<number, number>();
  osc.onTaken = (p, value, _arrived, queuedMs) => {
    if (p === '/deck/a/fx/0/zoom' && typeof value === 'number') queued.set(Math.round((value - 0.25) * 1e6), queuedMs);
  };
  const latencies = async (background: string): Promise<number[]> => {
    queued.clear();
    const [, ...lines] = (await runSender([port, 2000, SECONDS, background, 4])).trim().split('\n');
    await sleep(200);
    return lines
      .map((line) => line.split(' ').map(Number) as [number, number])
      .filter(([id]) => id >= 50 && queued.has(id))
      .map(([id, sent]) => queued.get(id)! - sent)
      .sort((a, b) => a - b);
  };
  try {
    const plain = await latencies('/bench/background');
    const evil = await latencies(`/deck/a/source/${'*'.repeat(40)}Z%n`);
    return [
      info('valid OSC: send -> queued p99, beside plain messages', percentile(plain, 0.99), 'ms'),
      lowerIsBetter('valid OSC: send -> queued p99, beside pathological patterns', percentile(evil, 0.99), 'ms', 1),
      info('valid OSC: send -> queued p50, beside pathological patterns', percentile(evil, 0.5), 'ms'),
      info('pathological patterns counted as matching nothing', osc.stats().bad['no-match'] ?? 0, 'messages', 'higher'),
    ];
  } finally {
    osc.stop();
    await engine.stop();
  }
}

function runSender(args: (string | number)[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(new URL('./osc-sender.js', import.meta.url)), ...args.map(String)]);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`osc-sender exited ${code}`))));
  });
}

export const controlBench: Bench = {
  name: 'control',
  description: 'Control surface on 127.0.0.1: socket change -> host and -> second client latency; host CPU with 1 and 5 preview clients at 15 fps; the worst frame while the largest bodies arrive; valid OSC beside pathological patterns.',
  async run() {
    return {
      metrics: [...(await run()), ...(await largestBodiesMetrics()), ...(await pathologicalPatternMetrics())],
      notes: [
        'default show at 1280x720, 30 fps; the two latency clients run in their own process; previews 640 px wide, JPEG quality 70 (sharp/libvips), their clients in this process',
        'largest bodies: one client in this process sends them back to back; OSC: 2,000 msg/s from another process, every fourth a valid probe',
      ],
    };
  },
};
