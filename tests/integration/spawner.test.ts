import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawner } from '../../core/spawner.js';
import { repoRoot } from '../helpers/host-process.js';
import { until } from '../helpers/until.js';

// Real children (ffmpeg, sleep) through the real helper process.
/** Running processes (a zombie, ended but not yet reaped by this container's init, has ended). */
const processes = (): { pid: number; ppid: number; args: string }[] =>
  (spawnSync('ps', ['-eo', 'pid=,ppid=,stat=,args='], { encoding: 'utf8' }).stdout ?? '').split('\n').flatMap((line) => {
    const m = /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(line);
    return m && !m[3]!.startsWith('Z') ? [{ pid: Number(m[1]), ppid: Number(m[2]), args: m[4]! }] : [];
  });

describe('the spawner', () => {
  it('starts a child far faster than a fork of a host holding a large clip cache, in the same run', async () => {
    spawner.warm();
    // 400 MB resident, as a host holding decoded clips is.
    const held = Array.from({ length: 100 }, () => new Uint8Array(4 * 1024 * 1024).fill(1));
    const timeSpawner = async (): Promise<number> => {
      const t0 = performance.now();
      const child = spawner.spawn('ffmpeg', ['-version']);
      const ms = performance.now() - t0;
      await new Promise((r) => child.onClose(r));
      return ms;
    };
    const timeFork = async (): Promise<number> => {
      const t0 = performance.now();
      const child = spawn('ffmpeg', ['-version'], { stdio: 'ignore' });
      const ms = performance.now() - t0;
      await new Promise((r) => child.once('close', r));
      return ms;
    };
    await timeSpawner();
    const viaSpawner: number[] = [];
    const viaFork: number[] = [];
    for (let i = 0; i < 5; i++) {
      viaSpawner.push(await timeSpawner());
      viaFork.push(await timeFork());
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[2]!;
    expect(median(viaSpawner)).toBeLessThan(median(viaFork) / 3);
    expect(held.length).toBe(100);
  });

  it('says a command that is not there, and its stderr and exit code', async () => {
    const missing = spawner.spawn('/nonexistent/ffmpeg', []);
    const code = await new Promise<string | null>((resolve) => missing.onError((c) => resolve(c)));
    expect(code).toBe('ENOENT');
    const failing = spawner.spawn('ffmpeg', ['-hide_banner', '-i', '/nonexistent.mp4']);
    let stderr = '';
    failing.onStderr((t) => (stderr += t));
    const exit = await new Promise<number | null>((resolve) => failing.onClose((c) => resolve(c)));
    expect(exit).not.toBe(0);
    expect(stderr).toMatch(/No such file or directory/);
  });

  it('a host killed outright takes its children with it', { timeout: 60_000 }, async () => {
    const parent = spawn(process.execPath, [path.join(repoRoot, 'tests', 'fixtures', 'spawner-parent.mjs')], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    await new Promise((r) => parent.stdout!.once('data', r));
    const helperOf = () => processes().find((p) => p.ppid === parent.pid && p.args.includes('spawner-helper'));
    await until(() => processes().some((p) => p.ppid === helperOf()?.pid && p.args === 'sleep 1000'), 20_000, 'the child running under the helper');
    const child = processes().find((p) => p.ppid === helperOf()!.pid && p.args === 'sleep 1000')!;
    parent.kill('SIGKILL');
    await until(() => !processes().some((p) => p.pid === child.pid), 20_000, 'the child gone with its host');
  });
});
