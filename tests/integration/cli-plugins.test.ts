import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ShmReader } from '../../outputs/shm/shm-reader.js';
import { repoRoot, startHost, tempDir, uniqueShmName, writeJson, type HostProcess } from '../helpers/host-process.js';

let host: HostProcess | null = null;
const cleanup: string[] = [];
afterEach(async () => {
  await host?.stop('SIGKILL');
  host = null;
  for (const f of cleanup.splice(0)) fs.rmSync(f, { recursive: true, force: true });
});

/** Counts frames published to the shm file over `ms` (the reader runs in this process, the host in its own). */
async function measureFps(file: string, ms: number): Promise<{ fps: number; lastIndex: number }> {
  const reader = new ShmReader(file);
  const start = reader.header()!.framesWritten;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  const h = reader.header()!;
  const latest = reader.readLatest();
  reader.close();
  return { fps: ((h.framesWritten - start) * 1000) / (performance.now() - t0), lastIndex: latest?.frameIndex ?? -1 };
}

describe('vj-host with plugins', () => {
  it('bypasses a plugin that throws on every frame: frames pass through at 30 fps, the error is reported once', async () => {
    const dir = tempDir('throwing');
    cleanup.push(dir);
    const shmName = uniqueShmName('throwing');
    cleanup.push(path.join('/dev/shm', shmName));
    const show = writeJson(dir, 'show.json', {
      name: 'buggy',
      size: '640x360',
      decks: [{ id: 'a', source: { pipeline: 'test-pattern' }, chain: [{ pipeline: 'always-throws' }] }],
      outputs: [{ type: 'shm', name: shmName }],
    });
    host = startHost(['--show', show, '--plugins', path.join(repoRoot, 'tests', 'fixtures', 'plugins-good')]);
    await host.waitFor(/vj-host running/);
    await host.waitFor(/failed and is bypassed: plugin bug/);
    const { fps, lastIndex } = await measureFps(path.join('/dev/shm', shmName), 2000);
    expect(fps).toBeGreaterThan(27);
    expect(fps).toBeLessThan(33);
    expect(lastIndex).toBeGreaterThan(30);
    const { code } = await host.stop('SIGINT');
    expect(code).toBe(0);
    expect(host.output().match(/plugin bug: index out of range/g)).toHaveLength(1);
  });

  it('starts with a plugin folder holding broken modules, listing each failure, and runs the default show', async () => {
    const shmName = uniqueShmName('broken');
    cleanup.push(path.join('/dev/shm', shmName));
    host = startHost(['--plugins', path.join(repoRoot, 'tests', 'fixtures', 'plugins-broken'), '--shm-name', shmName]);
    await host.waitFor(/vj-host running/, 20_000);
    const out = host.output();
    expect(out).toMatch(/plugin failed to load: .*needs a default/);
    expect(out).toMatch(/"plugin":"[^"]*syntax-error\.mjs".*plugin failed to load/);
    expect(out).toMatch(/"plugin":"[^"]*loops\.mjs".*plugin failed to load/);
    expect(out).toMatch(/loaded 1 plugin pipeline\(s\)/);
    const { fps } = await measureFps(path.join('/dev/shm', shmName), 1000);
    expect(fps).toBeGreaterThan(25);
    expect((await host.stop('SIGINT')).code).toBe(0);
  });
});
