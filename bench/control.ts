import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import path from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { RealtimeDriver } from '../core/driver.js';
import { silentLog } from '../core/log.js';
import { buildEngine } from '../host/build-engine.js';
import { defaultShow } from '../host/default-show.js';
import { setupPresets } from '../host/presets-setup.js';
import { checkShow } from '../host/show.js';
import { registerBuiltins } from '../pipelines/builtins/index.js';
import { PipelineRegistry } from '../pipelines/registry.js';
import { createControlServer, listen } from '../control-surface/server.js';
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

/**
 * The default show at 720p30 with the control surface on 127.0.0.1: a fader move from one client ->
 * applied by the host (the frame that shows it) and -> received by a second client; then the host's CPU
 * with 0, 1 and 5 clients watching the preview at 15 fps.
 */
async function run(): Promise<Metric[]> {
  const registry = new PipelineRegistry();
  registerBuiltins(registry);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vj-host-bench-control-'));
  const show = checkShow({ ...defaultShow, outputs: [], osc: { ...defaultShow.osc, enabled: false }, presets: { ...defaultShow.presets, dir, autosave: false } }, registry);
  const engine = await buildEngine(show, registry, { driver: new RealtimeDriver(), log: silentLog });
  const presets = setupPresets(engine, show.presets, silentLog, { resume: false, registry });
  await engine.start();
  const server = createControlServer({ engine, registry, presets, midi: null, show, showFile: null, version: 'bench' }, { host: '127.0.0.1', port: 0, token: null, log: silentLog });
  const url = await listen(server, '127.0.0.1', 0);
  const metrics: Metric[] = [];
  try {
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
    const frameMs = 1000 / show.fps;
    applied.sort((a, b) => a - b);
    received.sort((a, b) => a - b);
    const goal = Math.round((frameMs + 5) * 10) / 10;
    metrics.push(
      info('socket change -> applied by the host (p50)', percentile(applied, 0.5), 'ms'),
      lowerIsBetter('socket change -> applied by the host (p99)', percentile(applied, 0.99), 'ms', goal),
      info('socket change -> second client (p50)', percentile(received, 0.5), 'ms'),
      lowerIsBetter('socket change -> second client (p99)', percentile(received, 0.99), 'ms', goal),
      info('changes measured', Math.min(applied.length, received.length), 'changes', 'higher'),
    );

    const cpuOver = async (seconds: number): Promise<number> => {
      const before = process.cpuUsage();
      const t0 = performance.now();
      await sleep(seconds * 1000);
      const used = process.cpuUsage(before);
      return ((used.user + used.system) / 1000 / (performance.now() - t0)) * 100;
    };
    await sleep(500);
    const idle = await cpuOver(SECONDS);
    metrics.push(info('host CPU, no client', idle, '% of one core'));
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
    metrics.push(lowerIsBetter('frames the loop skipped during the control bench', engine.stats().droppedFrames, 'frames', 0));
  } finally {
    await server.close();
    presets.stop();
    await engine.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return metrics;
}

export const controlBench: Bench = {
  name: 'control',
  description: 'Control surface on 127.0.0.1: socket change -> host and -> second client latency; host CPU with 1 and 5 preview clients at 15 fps.',
  async run() {
    return {
      metrics: await run(),
      notes: ['default show at 1280x720, 30 fps; the two latency clients run in their own process; previews 640 px wide, JPEG quality 70 (sharp/libvips), their clients in this process'],
    };
  },
};
