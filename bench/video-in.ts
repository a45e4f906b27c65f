import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RealtimeDriver } from '../core/driver.js';
import { silentLog } from '../core/log.js';
import { buildEngine } from '../host/build-engine.js';
import { checkShow } from '../host/show.js';
import { defaultShmDir } from '../outputs/shm/shm-output.js';
import { registerBuiltins } from '../pipelines/builtins/index.js';
import { PipelineRegistry } from '../pipelines/registry.js';
import { CachedClip } from '../pipelines/video/cached-clip.js';
import { FrameReader } from '../pipelines/video/frame-reader.js';
import { decodeCommand, resolveVideoInput } from '../pipelines/video/video-input.js';
import { higherIsBetter, info, lowerIsBetter, percentile, type Bench, type Metric } from './result.js';

const SECONDS = Number(process.env.BENCH_VIDEO_SECONDS ?? 6);
let tmpDir: string | null = null;
const tmp = (): string => (tmpDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'vj-host-bench-video-')));

/** An H.264 clip of ffmpeg's moving test picture; keyframes x264's way (every 250 frames) unless `keyframeEvery` says. */
function makeClip(name: string, size: string, seconds: number, keyframeEvery?: number): Promise<string> {
  const file = path.join(tmp(), name);
  const gop = keyframeEvery ? ['-g', String(keyframeEvery)] : [];
  return new Promise((resolve, reject) => {
    execFile('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=30`, '-t', String(seconds), '-c:v', 'libx264', '-preset', 'veryfast', ...gop, '-pix_fmt', 'yuv420p', '-y', file], (error) => (error ? reject(new Error(`ffmpeg could not make ${name}: ${error.message}`)) : resolve(file)));
  });
}

/** A show playing `clip` (through feedback when asked, to shm): the source stage's cost per frame, and drops. */
async function playing(label: string, clip: string, size: string, withFeedback: boolean, params: Record<string, unknown> = {}): Promise<Metric[]> {
  const registry = new PipelineRegistry();
  registerBuiltins(registry);
  const shmName = `vj-host-bench-video-${process.pid}`;
  const show = checkShow({
    size, fps: 30, osc: { enabled: false }, media: { dir: path.dirname(clip) },
    decks: [{ id: 'a', source: { pipeline: 'video', params: { source: path.basename(clip), ...params } }, chain: withFeedback ? [{ pipeline: 'feedback', params: { zoom: 1.01 } }] : [] }],
    outputs: [{ type: 'shm', name: shmName }],
  }, registry);
  const engine = await buildEngine(show, registry, { driver: new RealtimeDriver(), log: silentLog });
  await engine.start();
  const deadline = Date.now() + 60_000;
  while (engine.stats().stages[0]!.status?.state !== 'loaded' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 500));
  const stageTimes: number[] = [];
  const before = engine.stats();
  const t0 = performance.now();
  while (performance.now() - t0 < SECONDS * 1000) {
    await new Promise((r) => setTimeout(r, 50));
    stageTimes.push(engine.stats().stages[0]!.ms);
  }
  const after = engine.stats();
  const ticks = after.frames - before.frames;
  const skipped = after.droppedFrames - before.droppedFrames;
  const detail = after.stages[0]!.status?.detail ?? {};
  const beforeDetail = before.stages[0]!.status?.detail ?? {};
  const kind = String(detail.kind);
  const late = Number(detail.late ?? 0) - Number(beforeDetail.late ?? 0);
  await engine.stop();
  fs.rmSync(path.join(defaultShmDir(), shmName), { force: true });
  stageTimes.sort((a, b) => a - b);
  return [
    lowerIsBetter(`${label}: the video source's time on the frame loop (p50)`, percentile(stageTimes, 0.5), 'ms', 0.3),
    info(`${label}: the video source's time on the frame loop (p99)`, percentile(stageTimes, 0.99), 'ms'),
    lowerIsBetter(`${label}: frames the loop skipped per 1000`, (skipped / Math.max(1, ticks + skipped)) * 1000, 'frames', 0),
    info(`${label}: played as`, kind === 'cached-clip' ? 1 : 0, '1 = in memory'),
    ...(kind === 'clip' ? [lowerIsBetter(`${label}: late frames (window not decoded yet) per 1000`, (late / Math.max(1, ticks)) * 1000, 'frames', 0)] : []),
  ];
}

function timed(command: string, args: string[]): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore' });
    child.once('exit', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`${command} exited ${code}`))));
  });
}

/** Decoding the clip into memory against bare ffmpeg decoding it (same scaling) to null, in the same run. */
async function decodeRate(clip: string, width: number, height: number): Promise<Metric[]> {
  const input = resolveVideoInput(path.basename(clip), path.dirname(clip));
  if (input.kind !== 'clip') throw new Error('not a clip');
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const cached = new CachedClip(input, { fit: 'fit', size: { width, height }, hwDecode: false }, 30, 4 * 1024 * 1024 * 1024);
  // A clip in memory plays from its first frame while the rest loads: what a switch to it waits for.
  let firstMs: number | null = null;
  const poll = setInterval(() => {
    if (firstMs === null && cached.frames.length > 0 && cached.expectedFrames !== null) firstMs = performance.now() - t0;
  }, 1);
  await cached.load();
  clearInterval(poll);
  const hostMs = performance.now() - t0;
  const frames = cached.frames.length;
  const rssMb = (process.memoryUsage().rss - rssBefore) / 1e6;
  cached.dispose();
  // The reader as a stream or a clip from disk uses it: its buffers filled again, nothing kept.
  const setup = { fit: 'fit' as const, size: { width, height }, hwDecode: false };
  const reader = new FrameReader({ args: (out) => decodeCommand(input, setup, out), width, height });
  const t1 = performance.now();
  reader.start();
  const end = await reader.done;
  const streamMs = performance.now() - t1;
  if (end.kind !== 'ended') throw new Error(`the reader did not read the clip through: ${end.kind}`);
  const scale = `format=rgba,scale=${width}:${height}:force_original_aspect_ratio=decrease,pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2:color=black@0,setsar=1`;
  const decodeArgs = ['-hide_banner', '-loglevel', 'error', '-i', clip, '-map', '0:v:0', '-vf', scale, '-pix_fmt', 'rgba'];
  const bareMs = await timed('ffmpeg', [...decodeArgs, '-f', 'null', '-']);
  // The same frames through a pipe into a process that only reads them: what any decoder in a child process pays to hand them over.
  const pipedMs = await timed('sh', ['-c', `ffmpeg ${decodeArgs.map((a) => `'${a}'`).join(' ')} -f rawvideo - | cat > /dev/null`]);
  const hostFps = (frames * 1000) / hostMs;
  const streamFps = (reader.framesDecoded * 1000) / streamMs;
  const bareFps = (frames * 1000) / bareMs;
  const pipedFps = (frames * 1000) / pipedMs;
  return [
    info(`decode into memory, ${width}x${height}`, hostFps, 'fps', 'higher'),
    info(`bare ffmpeg decode to null, same file and scaling`, bareFps, 'fps', 'higher'),
    info(`bare ffmpeg decode through a pipe to cat, same file and scaling`, pipedFps, 'fps', 'higher'),
    higherIsBetter('decode rate / bare ffmpeg', hostFps / bareFps, 'ratio', 0.9),
    info('decode rate / bare ffmpeg through a pipe', hostFps / pipedFps, 'ratio', 'higher'),
    info(`decode through the reader, buffers filled again (a stream, a clip from disk), ${width}x${height}`, streamFps, 'fps', 'higher'),
    info('reader decode rate / bare ffmpeg', streamFps / bareFps, 'ratio', 'higher'),
    info('reader decode rate / bare ffmpeg through a pipe', streamFps / pipedFps, 'ratio', 'higher'),
    info(`memory of the cached ${frames}-frame clip (resident growth)`, rssMb, 'MB'),
    info(`a ${frames}-frame ${width}x${height} clip into memory: its first frame there (it can play)`, firstMs ?? hostMs, 'ms'),
    info(`a ${frames}-frame ${width}x${height} clip into memory: all of it there`, hostMs, 'ms'),
  ];
}

export const videoInBench: Bench = {
  name: 'video-in',
  description: 'Video sources: a playing 720p and 1080p H.264 clip on the frame loop, decode rate against bare ffmpeg, a cached 10 s 720p clip in memory, a 1080p30 clip through feedback to shm.',
  async run() {
    try {
      const clip720 = await makeClip('clip-720.mp4', '1280x720', 10);
      const short720 = await makeClip('short-720.mp4', '1280x720', 2);
      const short1080 = await makeClip('short-1080.mp4', '1920x1080', 1);
      const long1080 = await makeClip('long-1080.mp4', '1920x1080', 20);
      const clip720gop30 = await makeClip('clip-720-g30.mp4', '1280x720', 10, 30);
      const long1080gop30 = await makeClip('long-1080-g30.mp4', '1920x1080', 20, 30);
      const metrics = [
        ...(await decodeRate(clip720, 1280, 720)),
        ...(await playing('720p clip in memory', short720, '1280x720', false)),
        ...(await playing('1080p clip in memory', short1080, '1920x1080', false)),
        ...(await playing('720p clip from disk, forward', clip720, '1280x720', false)),
        ...(await playing('720p clip from disk, reverse', clip720, '1280x720', false, { reverse: true })),
        ...(await playing('720p clip from disk, reverse, a keyframe a second', clip720gop30, '1280x720', false, { reverse: true })),
        ...(await playing('1080p clip from disk, reverse, a keyframe a second', long1080gop30, '1920x1080', false, { reverse: true })),
        ...(await playing('1080p clip from disk, forward', long1080, '1920x1080', false)),
        ...(await playing('1080p30 clip through feedback to shm', long1080, '1920x1080', true)),
      ];
      return { metrics, notes: [`${SECONDS} s per playing case (BENCH_VIDEO_SECONDS); clips made by ffmpeg (testsrc2, x264 veryfast, a keyframe every 250 frames unless the case says); clips up to 256 MB decoded play from memory, longer ones from disk a window at a time`, 'decode into memory is the first clip a process caches: its memory is fresh, and faulting it in is most of the cost on VMs; bare ffmpeg through a pipe to cat is what any decoder in a child process can reach'] };
    } finally {
      if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
      tmpDir = null;
    }
  },
};
