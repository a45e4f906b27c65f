import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RealtimeDriver } from '../core/driver.js';
import { createFrame, type Frame } from '../core/frame.js';
import { drawFrameCode, readFrameCode } from '../core/frame-code.js';
import { FrameShelf } from '../core/frame-shelf.js';
import { silentLog } from '../core/log.js';
import { buildEngine } from '../host/build-engine.js';
import { defaultShow } from '../host/default-show.js';
import { checkShow } from '../host/show.js';
import { findNdiSources } from '../ndi/finder.js';
import { FOURCC, FRAME_FORMAT_PROGRESSIVE, loadNdiRuntime, TIMECODE_SYNTHESIZE } from '../ndi/runtime.js';
import type { Output } from '../outputs/contract.js';
import { EncoderOutput } from '../outputs/ffmpeg/encoder-output.js';
import { encoderArgs, type EncoderSettings } from '../outputs/ffmpeg/ffmpeg-args.js';
import { NdiOutput } from '../outputs/ndi/ndi-output.js';
import { ShmOutput } from '../outputs/shm/shm-output.js';
import { registerBuiltins } from '../pipelines/builtins/index.js';
import { PipelineRegistry } from '../pipelines/registry.js';
import { info, lowerIsBetter, median, percentile, type Bench, type Metric } from './result.js';
import { startRtmpServer, type RtmpServer } from '../tests/helpers/rtmp-server.js';

const W = 1280;
const H = 720;
const FPS = 30;
const SECONDS = Number(process.env.BENCH_OUTPUT_SECONDS ?? 8);
/** Two x264 encoders beside the feedback show on two cores: the fastest preset (the default "veryfast" needs more cores). */
const PRESET_ALL = 'ultrafast';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// Made when the bench runs, not when the bench runner imports this file.
let tmpDir: string | null = null;
const tmp = (): string => (tmpDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'vj-host-bench-outputs-')));

function codedFrame(width: number, height: number): Frame {
  const frame = createFrame(width, height);
  for (let i = 0; i < frame.data.length; i += 4) {
    const p = i >> 2;
    frame.data[i] = (p * 7) & 255;
    frame.data[i + 1] = (p >> 5) & 255;
    frame.data[i + 2] = 128;
    frame.data[i + 3] = 255;
  }
  return frame;
}

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
    ...defaultShow, size, fps: FPS,
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

/**
 * Submit -> received by a real NDI receiver in another process (as Resolume would be), the frame index
 * travelling in the pixels: through the host's NDI output, and through the bare runtime (its async send
 * called straight from the loop) in the same run.
 */
async function ndiLatency(): Promise<Metric[]> {
  const runtime = loadNdiRuntime();
  const measure = async (name: string, send: (frame: Frame) => void, stop: () => Promise<void>): Promise<number[]> => {
    const frame = codedFrame(W, H);
    const sentAt = new Map<number, number>();
    const latencies: number[] = [];
    let index = 0;
    const feed = setInterval(() => {
      drawFrameCode(frame.data, W, H, index);
      frame.index = index;
      sentAt.set(index, performance.timeOrigin + performance.now());
      send(frame);
      index++;
    }, 1000 / FPS);
    let url: string | null = null;
    for (let i = 0; i < 20 && !url; i++) url = (await findNdiSources(runtime, { waitMs: 300 })).sources.find((s) => s.name.includes(`(${name})`))?.url ?? null;
    if (!url) throw new Error(`the bench NDI source ${name} was not found`);
    const receiver = spawn(process.execPath, [fileURLToPath(new URL('./ndi-receiver-process.js', import.meta.url)), url], { stdio: ['ignore', 'pipe', 'ignore'] });
    let measuring = false;
    let partial = '';
    receiver.stdout.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const [code, at] = line.split(' ').map(Number);
        const sent = sentAt.get(code!);
        if (measuring && sent !== undefined) latencies.push(at! - sent);
      }
    });
    await sleep(1500);
    measuring = true;
    await sleep(SECONDS * 1000);
    clearInterval(feed);
    receiver.kill('SIGTERM');
    await new Promise((r) => receiver.once('exit', r));
    await stop();
    return latencies.sort((a, b) => a - b);
  };

  const hostName = `vj-host-bench-latency-${process.pid}`;
  const output = new NdiOutput({ id: 'ndi', name: hostName, fps: FPS, alpha: false, groups: null, log: silentLog });
  await output.start();
  const shelf = new FrameShelf(W, H);
  const host = await measure(hostName, (frame) => {
    const shared = shelf.publish(frame);
    output.submit(shared);
    shared.hold!.release();
  }, () => output.stop());

  const bareName = `vj-host-bench-bare-${process.pid}`;
  const sender = runtime.sendCreate({ p_ndi_name: bareName, p_groups: null, clock_video: false, clock_audio: false });
  const buffers = [codedFrame(W, H).data, codedFrame(W, H).data];
  let flip = 0;
  const struct = { xres: W, yres: H, FourCC: FOURCC.RGBX, frame_rate_N: FPS, frame_rate_D: 1, picture_aspect_ratio: W / H, frame_format_type: FRAME_FORMAT_PROGRESSIVE, timecode: TIMECODE_SYNTHESIZE, p_data: null as Uint8Array | null, line_stride_in_bytes: W * 4, p_metadata: null, timestamp: 0n };
  const bare = await measure(bareName, (frame) => {
    const buffer = buffers[flip++ % 2]!;
    buffer.set(frame.data);
    struct.p_data = buffer;
    runtime.sendVideoAsync(sender, struct as unknown as Parameters<typeof runtime.sendVideoAsync>[1]);
  }, () => {
    runtime.sendVideoAsync(sender, null);
    runtime.sendDestroy(sender);
    return Promise.resolve();
  });
  return [
    info('NDI 720p submit -> received in another process (p50)', percentile(host, 0.5), 'ms'),
    lowerIsBetter('NDI 720p submit -> received in another process (p99)', percentile(host, 0.99), 'ms', 10),
    info('bare NDI runtime, async send, same receiver (p50)', percentile(bare, 0.5), 'ms'),
    info('bare NDI runtime, async send, same receiver (p99)', percentile(bare, 0.99), 'ms'),
    lowerIsBetter('NDI output / bare runtime (p50)', percentile(host, 0.5) / percentile(bare, 0.5), 'ratio', 1.2),
    info('NDI frames measured', host.length, 'frames', 'higher'),
  ];
}

/**
 * Submit -> decoded from the stream pulled back from the server, through the host's RTMP output and
 * through the bare chain (the same ffmpeg command fed directly from a loop, no output in between).
 */
async function rtmpLatency(server: RtmpServer): Promise<Metric[]> {
  const settings: EncoderSettings = { input: { width: W, height: H }, fps: FPS, size: null, bitrateKbps: 4500, keyframeSeconds: 1, preset: 'veryfast', audio: 'none', audioBitrateKbps: 128 };
  const measure = async (key: string, push: (frame: Frame) => void, stop: () => Promise<void>): Promise<number[]> => {
    const frame = codedFrame(W, H);
    const sentAt = new Map<number, number>();
    let index = 0;
    const feed = setInterval(() => {
      drawFrameCode(frame.data, W, H, index);
      sentAt.set(index, performance.now());
      push(frame);
      index++;
    }, 1000 / FPS);
    await sleep(1500);
    const latencies: number[] = [];
    const puller = spawn('ffmpeg', ['-v', 'error', '-fflags', 'nobuffer', '-flags', 'low_delay', '-probesize', '32', '-analyzeduration', '0', '-i', server.url(key), '-map', '0:v', '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgba', 'pipe:1'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const frameBytes = W * H * 4;
    const buffer = Buffer.alloc(frameBytes);
    let filled = 0;
    puller.stdout.on('data', (chunk: Buffer) => {
      let offset = 0;
      while (offset < chunk.length) {
        const n = Math.min(frameBytes - filled, chunk.length - offset);
        chunk.copy(buffer, filled, offset, offset + n);
        filled += n;
        offset += n;
        if (filled === frameBytes) {
          filled = 0;
          const code = readFrameCode(buffer, W, H);
          const sent = code === null ? undefined : sentAt.get(code);
          if (sent !== undefined) latencies.push(performance.now() - sent);
        }
      }
    });
    await sleep(2000);
    latencies.length = 0;
    await sleep(SECONDS * 1000);
    clearInterval(feed);
    puller.kill('SIGKILL');
    await stop();
    return latencies.sort((a, b) => a - b);
  };

  const output = new EncoderOutput({ id: 'rtmp', type: 'rtmp', settings, target: () => ({ kind: 'stream', url: server.url('latency-host') }), relayUrl: server.url('latency-host'), log: silentLog });
  await output.start();
  const host = await measure('latency-host', (f) => output.submit(f), () => output.stop());

  const bare = spawn('ffmpeg', encoderArgs(settings, { kind: 'stream', url: server.url('latency-bare') }), { stdio: ['pipe', 'ignore', 'ignore'] });
  bare.stdin.on('error', () => {});
  let writing = false;
  const bareChain = await measure(
    'latency-bare',
    (f) => {
      if (writing) return; // the same rule as the output: never queue behind a busy pipe
      writing = true;
      bare.stdin.write(Buffer.from(f.data), () => (writing = false));
    },
    async () => {
      bare.stdin.end();
      await new Promise((r) => bare.once('exit', r));
    },
  );
  const p50 = percentile(host, 0.5);
  const bareP50 = percentile(bareChain, 0.5);
  return [
    info('RTMP 720p submit -> decoded from the pulled stream, through the key relay (p50)', p50, 'ms'),
    info('RTMP 720p submit -> decoded (p99)', percentile(host, 0.99), 'ms'),
    info('bare ffmpeg chain, same command (p50)', bareP50, 'ms'),
    lowerIsBetter('RTMP output minus bare chain (p50)', p50 - bareP50, 'ms', 10),
    info('RTMP frames measured', host.length, 'frames', 'higher'),
  ];
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
    }
  },
};
