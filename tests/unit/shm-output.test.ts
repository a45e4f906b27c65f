import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../helpers/until.js';
import { createFrame } from '../../core/frame.js';
import { FOURCC_RGBA, ShmState } from '../../outputs/shm/format.js';
import { ShmOutput, shmPath } from '../../outputs/shm/shm-output.js';
import { ShmReader } from '../../outputs/shm/shm-reader.js';
import { tempDir } from '../helpers/host-process.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function dir(): string {
  const d = tempDir('shm');
  dirs.push(d);
  return d;
}

function frame(index: number, width = 32, height = 16) {
  const f = createFrame(width, height);
  f.data.fill(index % 251);
  f.index = index;
  f.time = index / 30;
  return f;
}

describe('shared-memory output', () => {
  it('writes a documented header at start, then the newest frame into a ring of slots', async () => {
    const d = dir();
    const out = new ShmOutput({ id: 'shm', name: 'a', slots: 3, fps: 30, dir: d, width: 32, height: 16 });
    await out.start();
    const reader = new ShmReader(path.join(d, 'a'));
    expect(reader.header()).toMatchObject({
      version: 1, width: 32, height: 16, stride: 128, pixelFormat: FOURCC_RGBA, slotCount: 3, state: ShmState.Live, fps: 30, writerPid: process.pid, framesWritten: 0,
    });
    expect(reader.readLatest()).toBeNull();
    for (let i = 0; i < 7; i++) {
      out.submit(frame(100 + i));
      const latest = reader.readLatest()!;
      expect(latest.frameIndex).toBe(100 + i);
      expect(latest.timeUs).toBe(Math.round(((100 + i) / 30) * 1e6));
      expect(latest.data.every((v) => v === (100 + i) % 251)).toBe(true);
    }
    expect(reader.header()!.framesWritten).toBe(7);
    expect(out.stats()).toMatchObject({ state: 'running', sent: 7, dropped: 0, lastError: null });
    await out.stop();
    expect(reader.header()!.state).toBe(ShmState.Closed);
    expect(reader.readLatest()).toBeNull();
    reader.close();
  });

  it('re-lays the file out when the frame size changes, and readers follow', async () => {
    const d = dir();
    const out = new ShmOutput({ id: 'shm', name: 'b', slots: 2, fps: 60, dir: d, width: 32, height: 16 });
    await out.start();
    const reader = new ShmReader(path.join(d, 'b'));
    out.submit(frame(1));
    out.submit(frame(2, 64, 8));
    expect(reader.readLatest()).toMatchObject({ frameIndex: 2, width: 64, height: 8 });
    await out.stop();
    reader.close();
  });

  it('refuses a file another live writer owns, and reports it without throwing into the frame loop', async () => {
    const d = dir();
    const first = new ShmOutput({ id: 'one', name: 'c', slots: 2, fps: 30, dir: d, width: 32, height: 16 });
    await first.start();
    // Pretend the file belongs to another live process (pid 1 always exists).
    const fd = fs.openSync(path.join(d, 'c'), 'r+');
    const pid = Buffer.alloc(4);
    pid.writeUInt32LE(1, 0);
    fs.writeSync(fd, pid, 0, 4, 52);
    fs.closeSync(fd);
    const second = new ShmOutput({ id: 'two', name: 'c', slots: 2, fps: 30, dir: d, width: 32, height: 16 });
    await second.start();
    expect(second.stats().state).toBe('failed');
    expect(second.stats().lastError).toMatch(/in use by another live writer \(pid 1\)/);
    expect(() => second.submit(frame(1))).not.toThrow();
    expect(second.stats().dropped).toBe(1);
    await first.stop();
    await second.stop();
  });

  it('fails cleanly when the folder is unusable, then recovers once it is back', async () => {
    const d = path.join(dir(), 'missing');
    const out = new ShmOutput({ id: 'shm', name: 'd', slots: 2, fps: 30, dir: d, width: 32, height: 16 });
    await out.start();
    expect(out.stats().state).toBe('failed');
    expect(out.stats().lastError).toMatch(/ENOENT/);
    fs.mkdirSync(d);
    // Retried with backoff as frames keep coming: it comes back by itself.
    await until(() => out.stats().state === 'running', 5000, 'the output back', () => out.submit(frame(1)));
    await out.stop();
  });

  it('confines names to the shm folder', () => {
    expect(() => shmPath('../etc/passwd', '/dev/shm')).toThrow(/must be 1-100 letters/);
    expect(() => shmPath('.hidden', '/dev/shm')).toThrow();
    expect(shmPath('vj-host.main', '/dev/shm')).toBe('/dev/shm/vj-host.main');
  });
});
