import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ShmReader } from '../../outputs/shm/shm-reader.js';
import { hostPerTest, repoRoot, tempDir, uniqueShmName, writeJson } from '../helpers/host-process.js';
import { until } from '../helpers/until.js';

const hosts = hostPerTest();

/**
 * Liveness, as a viewer of the shm output sees it: waits until `frames` more frames have been published
 * (the reader runs in this process, the host in its own) and returns the newest frame's index.
 */
async function framesKeepComing(file: string, frames: number): Promise<number> {
  const reader = new ShmReader(file);
  try {
    const start = reader.header()!.framesWritten;
    await until(() => reader.header()!.framesWritten >= start + frames, 15_000, `${frames} more frames`);
    return reader.readLatest()?.frameIndex ?? -1;
  } finally {
    reader.close();
  }
}

describe('vj-host with plugins', () => {
  it('bypasses a plugin that throws on every frame: frames keep passing through, the error is reported once', async () => {
    const dir = tempDir('throwing');
    hosts.remove(dir);
    const shmName = uniqueShmName('throwing');
    hosts.remove(path.join('/dev/shm', shmName));
    const show = writeJson(dir, 'show.json', {
      name: 'buggy',
      size: '640x360',
      decks: [{ id: 'a', source: { pipeline: 'test-pattern' }, chain: [{ pipeline: 'always-throws' }] }],
      outputs: [{ type: 'shm', name: shmName }],
    });
    const host = hosts.start(['--show', show, '--plugins', path.join(repoRoot, 'tests', 'fixtures', 'plugins-good')]);
    await host.waitFor(/vj-host running/);
    await host.waitFor(/failed and is bypassed: plugin bug/);
    const first = await framesKeepComing(path.join('/dev/shm', shmName), 1);
    expect(await framesKeepComing(path.join('/dev/shm', shmName), 60)).toBeGreaterThanOrEqual(first + 60);
    const { code } = await host.stop('SIGINT');
    expect(code).toBe(0);
    expect(host.output().match(/plugin bug: index out of range/g)).toHaveLength(1);
  });

  it('starts with a plugin folder holding broken modules, listing each failure, and runs the default show', async () => {
    const shmName = uniqueShmName('broken');
    hosts.remove(path.join('/dev/shm', shmName));
    const host = hosts.start(['--plugins', path.join(repoRoot, 'tests', 'fixtures', 'plugins-broken'), '--shm-name', shmName]);
    await host.waitFor(/vj-host running/);
    const out = host.output();
    expect(out).toMatch(/plugin failed to load: .*needs a default/);
    expect(out).toMatch(/"plugin":"[^"]*syntax-error\.mjs".*plugin failed to load/);
    expect(out).toMatch(/"plugin":"[^"]*loops\.mjs".*plugin failed to load/);
    expect(out).toMatch(/loaded 1 plugin pipeline\(s\)/);
    expect(await framesKeepComing(path.join('/dev/shm', shmName), 30)).toBeGreaterThan(30);
    expect((await host.stop('SIGINT')).code).toBe(0);
  });
});
