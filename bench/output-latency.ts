import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Frame } from '../core/frame.js';
import { drawFrameCode, readFrameCode } from '../core/frame-code.js';
import { FrameShelf } from '../core/frame-shelf.js';
import { silentLog } from '../core/log.js';
import { findNdiSources } from '../ndi/finder.js';
import { FOURCC, FRAME_FORMAT_PROGRESSIVE, loadNdiRuntime, TIMECODE_SYNTHESIZE, type NdiRuntime } from '../ndi/runtime.js';
import { EncoderOutput } from '../outputs/ffmpeg/encoder-output.js';
import { encoderArgs, type EncoderSettings } from '../outputs/ffmpeg/ffmpeg-args.js';
import { NdiOutput } from '../outputs/ndi/ndi-output.js';
import { info, lowerIsBetter, percentile, type Metric } from './result.js';
import type { RtmpServer } from '../tests/helpers/rtmp-server.js';
import { codedFrame, FPS, H, SECONDS, sleep, W } from './output-bench-common.js';

/**
 * Submit -> received by a real NDI receiver in another process (as Resolume would be), the frame index
 * travelling in the pixels: through the host's NDI output, and through the bare runtime (its async send
 * called straight from the loop) in the same run.
 */
export async function ndiLatency(): Promise<Metric[]> {
  const runtime = loadNdiRuntime();

  const hostName = `vj-host-bench-latency-${process.pid}`;
  const output = new NdiOutput({ id: 'ndi', name: hostName, fps: FPS, alpha: false, groups: null, log: silentLog });
  await output.start();
  const shelf = new FrameShelf(W, H);
  const host = await measureNdi(runtime, hostName, (frame) => {
    const shared = shelf.publish(frame);
    output.submit(shared);
    shared.hold!.release();
  }, () => output.stop());

  const bareName = `vj-host-bench-bare-${process.pid}`;
  const sender = runtime.sendCreate({ p_ndi_name: bareName, p_groups: null, clock_video: false, clock_audio: false });
  const buffers = [codedFrame(W, H).data, codedFrame(W, H).data];
  let flip = 0;
  const struct = { xres: W, yres: H, FourCC: FOURCC.RGBX, frame_rate_N: FPS, frame_rate_D: 1, picture_aspect_ratio: W / H, frame_format_type: FRAME_FORMAT_PROGRESSIVE, timecode: TIMECODE_SYNTHESIZE, p_data: null as Uint8Array | null, line_stride_in_bytes: W * 4, p_metadata: null, timestamp: 0n };
  const bare = await measureNdi(runtime, bareName, (frame) => {
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

/** Feeds frames through `send` and times each one to a receiver in another process; latencies in ms, sorted. */
async function measureNdi(runtime: NdiRuntime, name: string, send: (frame: Frame) => void, stop: () => Promise<void>): Promise<number[]> {
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
}

/**
 * Submit -> decoded from the stream pulled back from the server, through the host's RTMP output and
 * through the bare chain (the same ffmpeg command fed directly from a loop, no output in between).
 */
export async function rtmpLatency(server: RtmpServer): Promise<Metric[]> {
  const settings: EncoderSettings = { input: { width: W, height: H }, fps: FPS, size: null, bitrateKbps: 4500, keyframeSeconds: 1, preset: 'veryfast', audio: 'none', audioBitrateKbps: 128 };

  const output = new EncoderOutput({ id: 'rtmp', type: 'rtmp', settings, target: () => ({ kind: 'stream', url: server.url('latency-host') }), relayUrl: server.url('latency-host'), log: silentLog });
  await output.start();
  const host = await measureRtmp(server, 'latency-host', (f) => output.submit(f), () => output.stop());

  const bare = spawn('ffmpeg', encoderArgs(settings, { kind: 'stream', url: server.url('latency-bare') }), { stdio: ['pipe', 'ignore', 'ignore'] });
  bare.stdin.on('error', () => {});
  let writing = false;
  const bareChain = await measureRtmp(
    server,
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

/** Feeds frames through `push` and times each one to its decoding from the stream pulled back; latencies in ms, sorted. */
async function measureRtmp(server: RtmpServer, key: string, push: (frame: Frame) => void, stop: () => Promise<void>): Promise<number[]> {
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
}
