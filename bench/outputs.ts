import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RealtimeDriver } from '../core/driver.js';
import type { Frame } from '../core/frame.js';
import { FrameShelf } from '../core/frame-shelf.js';
import { silentLog } from '../core/log.js';
import { buildEngine } from '../host/build-engine.js';
import { defaultShow } from '../host/default-show.js';
import { deckAOnlyShow } from './picture-only.js';
import { checkShow } from '../host/show.js';
import type { Output } from '../outputs/contract.js';
import { EncoderOutput } from '../outputs/ffmpeg/encoder-output.js';
import type { EncoderSettings } from '../outputs/ffmpeg/ffmpeg-args.js';
import { NdiOutput } from '../outputs/ndi/ndi-output.js';
import { defaultShmDir, ShmOutput } from '../outputs/shm/shm-output.js';
import { registerBuiltins } from '../pipelines/builtins/index.js';
import { PipelineRegistry } from '../pipelines/registry.js';
import { info, lowerIsBetter, median, percentile, type Bench, type Metric } from './result.js';
import { codedFrame, FPS, H, PRESET_ALL, SECONDS, sleep, W } from './output-bench-common.js';
import { ndiLatency, rtmpLatency } from './output-latency.js';

// Made when the bench runs, not when the bench runner imports this file.
let tmpDir: string | null = null;
const tmp = (): string => (tmpDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'vj-host-bench-outputs-')));

import { startRtmpServer, type RtmpServer } from '../tests/helpers/rtmp-server.js';

/** CPU seconds used so far by this process and by its children that are still running (ffmpeg). */
function cpuSeconds(): number {
  const own = process.cpuUsage();
  let children = 0;
  try {
    for (const pid of fs.readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) {
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      children += (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime in clock ticks
    }
  } catch {
    // no /proc: own CPU only
  }
  return (own.user + own.system) / 1e6 + children;
}

/**
 * Feeds one output at 30 fps for SECONDS, timing each submit on this (the frame loop's) thread, against a
 * bare copy of the same frame in the same run; CPU is this process plus its ffmpeg children.
 */
async function costOf(name: string, output: Output, frame: Frame): Promise<Metric[]> {
  await output.start();
  // As the engine does: one shared, held copy per tick (timed apart), handed to the output.
  const shelf = new FrameShelf(frame.width, frame.height);
  const submitMs: number[] = [];
  const copyMs: number[] = [];
  const tick = (i: number, timed: boolean): void => {
    frame.index = i;
    let t = performance.now();
    const shared = shelf.publish(frame);
    const copied = performance.now() - t;
    t = performance.now();
    output.submit(shared);
    const submitted = performance.now() - t;
    shared.hold!.release();
    if (timed) {
      copyMs.push(copied);
      submitMs.push(submitted);
    }
  };
  // Warm-up: connections, encoder start.
  for (let i = 0; i < 30; i++) {
    tick(i, false);
    await sleep(1000 / FPS);
  }
  const cpu0 = cpuSeconds();
  const t0 = performance.now();
  for (let i = 0; i < SECONDS * FPS; i++) {
    tick(i, true);
    await sleep(Math.max(0, t0 + ((i + 1) * 1000) / FPS - performance.now()));
  }
  const cpu = ((cpuSeconds() - cpu0) / ((performance.now() - t0) / 1000)) * 100;
  const stats = output.stats();
  await output.stop();
  submitMs.sort((a, b) => a - b);
  return [
    lowerIsBetter(`${name} submit on the frame loop (p50)`, percentile(submitMs, 0.5), 'ms', 0.3),
    info(`${name} submit on the frame loop (p99)`, percentile(submitMs, 0.99), 'ms'),
    info(`${name} submit / the engine's one shared 720p copy per tick (p50)`, percentile(submitMs, 0.5) / median(copyMs), 'ratio'),
    info(`${name} CPU, process and ffmpeg`, cpu, '% of one core'),
    info(`${name} state at the end`, stats.state === 'running' ? 1 : 0, '1 = running', 'higher'),
  ];
}

function sharedCopyCost(): Metric[] {
  const frame = codedFrame(W, H);
  const shelf = new FrameShelf(W, H);
  const times: number[] = [];
  for (let i = 0; i < 300; i++) {
    const t = performance.now();
    const shared = shelf.publish(frame);
    times.push(performance.now() - t);
    shared.hold!.release();
  }
  return [info("the engine's shared copy per tick, 720p (p50), once for all outputs", median(times), 'ms')];
}

async function perOutputCosts(server: RtmpServer): Promise<Metric[]> {
  const frame = codedFrame(W, H);
  const settings: EncoderSettings = { input: { width: W, height: H }, fps: FPS, size: null, bitrateKbps: 4500, keyframeSeconds: 2, preset: 'veryfast', audio: 'silent', audioBitrateKbps: 128 };
  return [
    ...(await costOf('shm', new ShmOutput({ id: 'shm', name: `vj-host-bench-out-${process.pid}`, slots: 3, fps: FPS, width: W, height: H }), frame)),
    ...(await costOf('ndi', new NdiOutput({ id: 'ndi', name: `vj-host-bench-cost-${process.pid}`, fps: FPS, alpha: false, groups: null, log: silentLog }), frame)),
    ...(await costOf('rtmp', new EncoderOutput({ id: 'rtmp', type: 'rtmp', settings, target: () => ({ kind: 'stream', url: server.url('cost') }), relayUrl: server.url('cost'), log: silentLog }), frame)),
    ...(await costOf('record', new EncoderOutput({ id: 'record', type: 'record', settings: { ...settings, audio: 'none', bitrateKbps: 12000 }, target: () => ({ kind: 'file', path: path.join(tmp(), 'cost.mp4'), container: 'mp4' }), log: silentLog }), frame)),
  ];
}

/** The default feedback show with all four outputs at once: frames dropped by the loop and by each output. */
async function allTogether(server: RtmpServer, size: string): Promise<Metric[]> {
  const registry = new PipelineRegistry();
  registerBuiltins(registry);
  const show = checkShow({
    ...deckAOnlyShow, size, fps: FPS,
    outputs: [
      { type: 'shm', name: `vj-host-bench-all-${process.pid}` },
      { type: 'ndi', name: `vj-host-bench-all-${process.pid}` },
      { type: 'rtmp', url: server.url(`all-${size}`), preset: PRESET_ALL },
      { type: 'record', dir: tmp(), preset: PRESET_ALL },
    ],
    osc: { ...defaultShow.osc, enabled: false },
  }, registry);
  const engine = await buildEngine(show, registry, { driver: new RealtimeDriver(), log: silentLog });
  await engine.start();
  await sleep(2000);
  const before = engine.stats();
  const cpu0 = cpuSeconds();
  const t0 = performance.now();
  await sleep(SECONDS * 1000);
  const cpu = ((cpuSeconds() - cpu0) / ((performance.now() - t0) / 1000)) * 100;
  const after = engine.stats();
  await engine.stop();
  const frames = after.frames - before.frames;
  const per1000 = (n: number) => (n * 1000) / Math.max(1, frames);
  const metrics = [
    lowerIsBetter(`all outputs ${size}@30: frames the loop skipped per 1000`, per1000(after.droppedFrames - before.droppedFrames), 'frames', 0),
    info(`all outputs ${size}@30: CPU, process and ffmpeg`, cpu, '% of one core'),
  ];
  after.outputs.forEach((o, i) => {
    metrics.push(lowerIsBetter(`all outputs ${size}@30: ${o.type} drops per 1000`, per1000(o.dropped - before.outputs[i]!.dropped), 'frames', 0));
  });
  return metrics;
}

export const outputsBench: Bench = {
  name: 'outputs',
  description: 'Per-output cost on the frame loop at 720p30, all outputs together at 720p30 and 1080p30, NDI and RTMP latency.',
  async run() {
    const server = await startRtmpServer();
    try {
      const metrics = [
        ...sharedCopyCost(),
        ...(await perOutputCosts(server)),
        ...(await ndiLatency()),
        ...(await rtmpLatency(server)),
        ...(await allTogether(server, '1280x720')),
        ...(await allTogether(server, '1920x1080')),
      ];
      return {
        metrics,
        notes: [
          `${SECONDS} s per case (BENCH_OUTPUT_SECONDS); x264 veryfast at 4500 kbit/s (stream) and 12000 kbit/s (record) for the per-output costs, ${PRESET_ALL} for all outputs together; nginx-rtmp on 127.0.0.1`,
          'CPU counts this process (frame loop, NDI runtime threads) and its ffmpeg children; 100% = one core of the two here',
        ],
      };
    } finally {
      await server.dispose();
      if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
      tmpDir = null;
      // The shm files it published (a stopped output leaves its file for readers to see it closed).
      for (const name of [`vj-host-bench-out-${process.pid}`, `vj-host-bench-all-${process.pid}`]) fs.rmSync(path.join(defaultShmDir(), name), { force: true });
    }
  },
};
