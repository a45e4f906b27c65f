import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ShmReader } from '../../outputs/shm/shm-reader.js';
import { cliPath, HOST_START_MS, removePipeFolders, startHost, tempDir, uniqueShmName, writeJson, type HostProcess } from '../helpers/host-process.js';
import { until } from '../helpers/until.js';
import { Tablet } from '../helpers/osc-harness.js';
import { probeStreams, pullFrameCodes } from '../helpers/pull-stream.js';
import { freePort } from '../helpers/rtmp-server.js';

// The real CLI with real ffmpeg writing real files; OSC over real UDP to start and stop a recording.
const hosts: HostProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.stop('SIGKILL');
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const quiet = { osc: { port: 0 }, oscquery: { enabled: false }, midi: { enabled: false }, audio: { enabled: false }, presets: { autosave: false }, control: { enabled: false } };
const SIZE = { width: 320, height: 180 };

function show(dir: string, outputs: unknown[], extra: Record<string, unknown> = {}): string {
  return writeJson(dir, 'show.json', { size: `${SIZE.width}x${SIZE.height}`, fps: 30, decks: [{ id: 'a', source: { pipeline: 'test-pattern' } }], outputs, ...quiet, ...extra });
}

/** A show whose control surface is on (port 0, on loopback): the test asks it how far an encoder is. */
const withSurface = { control: { enabled: true, port: 0 } };

/** Waits until output `id` of the host whose log is `log()` has encoded `frames` frames (its own ffmpeg's count). */
async function untilEncoded(log: () => string, id: string, frames: number): Promise<void> {
  await until(() => /control surface at http:\/\/127\.0\.0\.1:\d+\//.test(log()), HOST_START_MS, 'the control surface');
  const base = /control surface at (http:\/\/127\.0\.0\.1:\d+)\//.exec(log())![1]!;
  const encoded = async (): Promise<number> => {
    const entry = (await (await fetch(`${base}/api/outputs/${id}`)).json()) as { stats: { detail: { encodedFrames?: number } } };
    return entry.stats.detail.encodedFrames ?? 0;
  };
  await until(async () => (await encoded()) >= frames, 20_000, `${frames} frames encoded by ${id}`);
}

function folder(label: string): string {
  const d = tempDir(label);
  dirs.push(d);
  return d;
}

function recordings(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /\.(mp4|mkv)$/.test(f)).map((f) => path.join(dir, f)) : [];
}

/** Waits until no ffmpeg writes `file` any more (it finishes the file when its input ends). */
async function ffmpegDone(file: string): Promise<void> {
  await until(() => {
    try {
      execFileSync('pgrep', ['-f', file]);
      return false;
    } catch {
      return true;
    }
  }, 10_000, `ffmpeg done with ${file}`);
}

describe('recording', () => {
  it('started and stopped over OSC: a playable file of about 5 s at the show size, frame indices in order', async () => {
    const dir = folder('rec');
    const recDir = path.join(dir, 'out');
    const host = startHost(['--show', show(dir, [{ type: 'record', id: 'rec', enabled: false, dir: recDir, preset: 'ultrafast', bitrate: 2000 }], withSurface)]);
    hosts.push(host);
    await host.waitFor(/OSC listening on 127\.0\.0\.1:\d+/);
    const port = Number(/OSC listening on 127\.0\.0\.1:(\d+)/.exec(host.output())![1]);
    expect(recordings(recDir)).toEqual([]);
    const tablet = await new Tablet().open();
    try {
      await tablet.send(port, '/output/rec/start');
      await host.waitFor(/"msg":"rec: running"/);
      await untilEncoded(() => host.output(), 'rec', 150); // 5 s of the show's 30 fps
      await tablet.send(port, '/output/rec/stop');
      await host.waitFor(/"msg":"rec: stopped"/, 10_000);
    } finally {
      tablet.close();
    }
    const [file] = recordings(recDir);
    expect(file).toMatch(/vj-host-\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d\.mp4$/);
    await ffmpegDone(file!);
    const probe = await probeStreams(file!);
    expect(probe.streams).toEqual([expect.objectContaining({ codec_type: 'video', codec_name: 'h264', width: 320, height: 180, pix_fmt: 'yuv420p', r_frame_rate: '30/1' })]);
    expect(probe.duration!).toBeGreaterThan(4.5);
    expect(probe.duration!).toBeLessThan(6.5);
    const codes = (await pullFrameCodes(file!, SIZE, 1000)).filter((c): c is number => c !== null);
    expect(codes.length).toBeGreaterThan(130);
    expect(codes.every((c, i) => i === 0 || c >= codes[i - 1]!)).toBe(true);
    expect(codes.at(-1)! - codes[0]!).toBeGreaterThan(120);
  });

  it.each([
    ['the host alone is SIGKILLed (mkv)', 'mkv', false],
    ['the host and its ffmpeg are SIGKILLed together, like a power cut (fragmented mp4)', 'mp4', true],
  ] as const)('%s: the file is still playable', async (_label, container, wholeGroup) => {
    const dir = folder('crash');
    const recDir = path.join(dir, 'out');
    const showFile = show(dir, [{ type: 'record', id: 'rec', dir: recDir, container, preset: 'ultrafast', bitrate: 2000 }], withSurface);
    const presets = folder('crash-presets');
    // Its own process group, so a kill can take ffmpeg down with it.
    const child = spawn(process.execPath, [cliPath, '--log-format', 'json', '--presets', presets, '--show', showFile], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    try {
      await until(() => out.includes('"msg":"rec: running"'), HOST_START_MS, 'recording');
      await untilEncoded(() => out, 'rec', 90); // 3 s of the show
    } finally {
      if (wholeGroup) process.kill(-child.pid!, 'SIGKILL');
      else child.kill('SIGKILL');
      await exited;
      removePipeFolders(child.pid!);
    }
    const [file] = recordings(recDir);
    await ffmpegDone(file!);
    const probe = await probeStreams(file!);
    expect(probe.streams[0]).toMatchObject({ codec_name: 'h264', width: 320, height: 180 });
    const codes = (await pullFrameCodes(file!, SIZE, 1000)).filter((c): c is number => c !== null);
    // At most the last second (one fragment or cluster) is lost.
    expect(codes.length).toBeGreaterThan(50);
    expect(codes.every((c, i) => i === 0 || c >= codes[i - 1]!)).toBe(true);
  }, 60_000);
});

describe('outputs that cannot work here', () => {
  it('ffmpeg missing from PATH and the NDI runtime missing: each a clear error, the shm output keeps publishing', async () => {
    const dir = folder('missing');
    const emptyDir = folder('empty');
    const shmName = uniqueShmName('missing');
    const port = await freePort();
    const host = startHost(
      ['--show', show(dir, [
        { type: 'shm', name: shmName },
        { type: 'ndi', name: 'never' },
        { type: 'rtmp', url: `rtmp://127.0.0.1:${port}/live/key` },
        { type: 'record', dir: path.join(dir, 'rec') },
      ])],
      { env: { PATH: emptyDir, NDI_RUNTIME_DIR_V6: emptyDir } },
    );
    hosts.push(host);
    await host.waitFor(/NDI runtime not found \(looked in [^)]*libndi\.so\.6\)/);
    await host.waitFor(/ffmpeg not found: \\"ffmpeg\\" is not on PATH/);
    await host.waitFor(/"msg":"rtmp: failed/);
    await host.waitFor(/"msg":"record: failed/);
    const reader = new ShmReader(path.join('/dev/shm', shmName));
    try {
      // A read can meet a slot being rewritten (and retry, or give up for now): ask until one is whole.
      const latestIndex = async (): Promise<number> => {
        let index = -1;
        await until(() => (index = reader.readLatest()?.frameIndex ?? -1) >= 0, 5000, 'a whole frame in shared memory');
        return index;
      };
      // Rendering on and published: 60 more frames arrive (how fast is the benches' question).
      const first = await latestIndex();
      await until(async () => (await latestIndex()) > first + 60, 10_000, '60 more frames in shared memory');
    } finally {
      reader.close();
      fs.rmSync(path.join('/dev/shm', shmName), { force: true });
    }
  });
});
