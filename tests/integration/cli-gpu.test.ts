import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ShmReader } from '../../outputs/shm/shm-reader.js';
import { hostPerTest, runCli, surfaceUrl, tempDir, uniqueShmName, writeJson } from '../helpers/host-process.js';
import { until } from '../helpers/until.js';

// The real CLI with GPU effects in its show: on the machine's WebGPU device (lavapipe), and with --gpu off.
const hosts = hostPerTest();

function gpuShow(label: string): { show: string; shm: string } {
  const dir = tempDir(label);
  hosts.remove(dir);
  const shmName = uniqueShmName(label);
  const shm = path.join('/dev/shm', shmName);
  hosts.remove(shm);
  const show = writeJson(dir, 'show.json', {
    name: 'gpu', size: '320x180',
    decks: [{ id: 'a', source: { pipeline: 'test-pattern' }, chain: [{ pipeline: 'kaleidoscope' }, { pipeline: 'feedback', params: { mix: 0.3 } }, { pipeline: 'bloom' }] }],
    outputs: [{ type: 'shm', name: shmName }],
  });
  return { show, shm };
}

async function framesKeepComing(file: string, frames: number): Promise<void> {
  const reader = new ShmReader(file);
  try {
    const start = reader.header()!.framesWritten;
    await until(() => reader.header()!.framesWritten >= start + frames, 15_000, `${frames} more frames`);
  } finally {
    reader.close();
  }
}

interface Stats { stages: { path: string; status?: { state: string; error: string | null } }[]; sections: { gpu: { adapter: { name: string } | null; segments: { stages: string[]; readbacks: number }[] } } }

describe('vj-host and the GPU', () => {
  it('runs GPU effects on the adapter it names at start, with the segments in /api/stats', async () => {
    const { show, shm } = gpuShow('gpu-on');
    const host = hosts.start(['--show', show]);
    await host.waitFor(/"msg":"GPU: [^"]+\((vulkan|metal|d3d12)/);
    const base = await surfaceUrl(host);
    await framesKeepComing(shm, 30);
    await until(async () => {
      const stats = (await (await fetch(`${base}/api/stats`)).json()) as Stats;
      return stats.sections.gpu.adapter !== null && stats.sections.gpu.segments.length === 2 && stats.sections.gpu.segments.every((s) => s.readbacks > 0);
    }, 15_000, 'two segments reading back');
  });

  it('--gpu with a name that is no adapter here says which adapters there are; with one of those names, it is used', async () => {
    const wrong = await runCli(['--list-pipelines', '--gpu', 'no such adapter']);
    expect(wrong.code).toBe(0);
    const line = /UNAVAILABLE: no WebGPU adapter named "no such adapter"; the adapters here: "([^"]+)" \((\w+)\)[^\n]*\n/.exec(wrong.stdout);
    expect(line, wrong.stdout.slice(0, 400)).not.toBeNull();
    const named = await runCli(['--list-pipelines', '--gpu', line![1]!]);
    expect(named.code).toBe(0);
    expect(named.stdout).toMatch(/^kaleidoscope /m);
    expect(named.stdout).not.toMatch(/UNAVAILABLE/);
  });

  it('a machine with no usable adapter (no Vulkan driver) runs the same show on the CPU, saying so once', async () => {
    const { show, shm } = gpuShow('gpu-none');
    const host = hosts.start(['--show', show], { env: { VK_ICD_FILENAMES: path.join(path.dirname(show), 'no-such-driver.json') } });
    await host.waitFor(/GPU: none \(no WebGPU adapter \(no GPU or Vulkan driver answered\)\); the CPU path runs, and \d+ GPU effect\(s\) are unavailable/);
    await host.waitFor(/vj-host running/);
    await framesKeepComing(shm, 30);
    expect(host.output().match(/GPU: none/g)).toHaveLength(1);
  });

  it('--gpu off: one clear line, the GPU effects listed unavailable and passed over, the show runs on the CPU', async () => {
    const listed = await runCli(['--list-pipelines', '--gpu', 'off']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/kaleidoscope[^\n]*\n\s+UNAVAILABLE: the GPU path is off \(--gpu off\)/);
    const { show, shm } = gpuShow('gpu-off');
    const host = hosts.start(['--show', show, '--gpu', 'off']);
    await host.waitFor(/GPU: none \(the GPU path is off \(--gpu off\)\); the CPU path runs, and \d+ GPU effect\(s\) are unavailable/);
    const base = await surfaceUrl(host);
    await framesKeepComing(shm, 60);
    const stats = (await (await fetch(`${base}/api/stats`)).json()) as Stats;
    const status = stats.stages.find((s) => s.path === '/deck/a/fx/0')!.status!;
    expect(status.state).toBe('error');
    expect(status.error).toMatch(/needs the GPU: the GPU path is off/);
    expect(stats.sections.gpu).toMatchObject({ adapter: null, segments: [] });
  });
});
