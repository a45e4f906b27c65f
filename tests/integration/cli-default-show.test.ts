import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ShmReader } from '../../outputs/shm/shm-reader.js';
import { repoRoot, startHost, uniqueShmName, type HostProcess } from '../helpers/host-process.js';
import { until } from '../helpers/until.js';

interface ProbeReport {
  fps: number;
  width: number;
  height: number;
  state: number;
  checked: number;
  mismatches: number;
  undecodable: number;
  examples: [number, number][];
}

/** The documented Python reader, in its own process, mapping the shm file (tests/fixtures/shm_probe.py). */
function probe(file: string, seconds: number): Promise<ProbeReport> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [path.join(repoRoot, 'tests', 'fixtures', 'shm_probe.py'), file, String(seconds)]);
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as ProbeReport) : reject(new Error(`probe exited ${code}: ${err}`))));
  });
}

describe('vj-host on its embedded default show', () => {
  let host: HostProcess | null = null;
  const shmName = uniqueShmName('default');
  const shmFile = path.join('/dev/shm', shmName);

  afterEach(async () => {
    await host?.stop('SIGKILL');
    fs.rmSync(shmFile, { force: true });
  });

  it('publishes 1280x720 frames at 30 fps whose pixels carry the header frame index, and stops cleanly on SIGINT', async () => {
    host = startHost(['--shm-name', shmName]);
    await host.waitFor(/vj-host running .*default.* at 1280x720 30 fps/);

    const report = await probe(shmFile, 3);
    expect(report.width).toBe(1280);
    expect(report.height).toBe(720);
    // Rendering (frames kept arriving over the 3 s) and never faster than the show's own 30 fps clock;
    // how close to 30 a busy machine gets is the frame-loop bench's question.
    expect(report.checked).toBeGreaterThan(30);
    expect(report.fps).toBeLessThan(30 * 1.1);
    expect(report.undecodable).toBe(0);
    expect(report.mismatches, JSON.stringify(report.examples)).toBe(0);

    const { code, ms } = await host.stop('SIGINT');
    expect(code).toBe(0);
    expect(ms).toBeLessThan(2000);
    const reader = new ShmReader(shmFile);
    expect(reader.header()?.state).toBe(2); // closed
    expect(reader.readLatest()).toBeNull();
    reader.close();
  });
});

describe('vj-host command-line overrides', () => {
  it('--size and --fps override the show: the shm header and the frame rate follow', async () => {
    const shmName = uniqueShmName('override');
    const file = path.join('/dev/shm', shmName);
    const host = startHost(['--shm-name', shmName, '--size', '640x360', '--fps', '24']);
    try {
      await host.waitFor(/vj-host running .* at 640x360 24 fps/);
      const reader = new ShmReader(file);
      const first = reader.header()!;
      expect(first).toMatchObject({ width: 640, height: 360, fps: 24 });
      const t0 = performance.now();
      await until(() => reader.header()!.framesWritten >= first.framesWritten + 48, 15_000, '48 more frames');
      const fps = ((reader.header()!.framesWritten - first.framesWritten) * 1000) / (performance.now() - t0);
      // The clock follows --fps 24 (48 frames arrived, and never faster than 24: not the default 30).
      expect(fps).toBeLessThan(24 * 1.1);
      reader.close();
      expect((await host.stop('SIGTERM')).code).toBe(0);
    } finally {
      await host.stop('SIGKILL');
      fs.rmSync(file, { force: true });
    }
  });
});
