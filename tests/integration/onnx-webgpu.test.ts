import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { probeGpu } from '../../core/gpu-probe.js';
import type { Frame } from '../../core/frame.js';
import { testPattern } from '../../pipelines/builtins/test-pattern.js';
import { onnxPipeline } from '../../pipelines/onnx/onnx-pipeline.js';
import { hostPerTest, repoRoot, tempDir, writeJson } from '../helpers/host-process.js';
import { harness } from '../helpers/pipeline-harness.js';

// The WebGPU execution provider that ships inside onnxruntime-node, for real: on Mesa's lavapipe here
// (Vulkan on the CPU, installed by scripts/install-system-deps.sh), on the GPU where there is one. The
// super-resolution model is small (224x224 luma): lavapipe runs it in seconds where a GPU takes a millisecond.
const models = path.join(repoRoot, 'models');
const dir = tempDir('onnx-webgpu');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const hosts = hostPerTest();

const manifests = path.join(dir, 'models');
fs.mkdirSync(manifests);

function superResolution(provider: string): string {
  const doc = JSON.parse(fs.readFileSync(path.join(models, 'manifests', 'super-resolution.json'), 'utf8')) as { model: string };
  return writeJson(manifests, `sr-${provider}.json`, { ...doc, id: `sr-${provider}`, model: path.join(models, doc.model), provider });
}

function showWith(pipeline: string): string {
  return writeJson(dir, `show-${pipeline}.json`, {
    size: '224x224', decks: [{ id: 'a', source: { pipeline: 'test-pattern' }, chain: [{ pipeline }] }],
    osc: { enabled: false }, oscquery: { enabled: false }, control: { enabled: false },
  });
}


async function upscaled(provider: string): Promise<{ frame: Uint8Array; status: unknown }> {
  const pattern = await harness(testPattern, { width: 224, height: 224 }, { speed: 0, frameCode: false });
  const input = pattern.instance.process(null, pattern.params, pattern.step()) as Frame;
  const h = await harness(onnxPipeline(superResolution(provider)), { width: 224, height: 224 });
  const out = await h.instance.process(input, h.params, h.step());
  const result = { frame: out.data.slice(), status: h.instance.status?.() };
  await h.instance.dispose?.();
  return result;
}

describe('models on the WebGPU provider', () => {
  it('gives the CPU provider\'s picture, and says it ran on WebGPU and on which adapter', { timeout: 120_000 }, async () => {
    const { adapter } = await probeGpu();
    expect(adapter, 'this machine has no WebGPU adapter: scripts/install-system-deps.sh installs Mesa\'s lavapipe').not.toBeNull();
    const cpu = await upscaled('cpu');
    const gpu = await upscaled('webgpu');
    expect(gpu.status).toMatchObject({ state: 'loaded', detail: { provider: 'webgpu', adapter: expect.stringContaining(adapter!.name) as unknown } });
    expect(cpu.status).toMatchObject({ detail: { provider: 'cpu' } });
    // Same picture: every 8-bit value within one step (float rounding differs between the providers).
    let worst = 0;
    for (let i = 0; i < cpu.frame.length; i++) worst = Math.max(worst, Math.abs(cpu.frame[i]! - gpu.frame[i]!));
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('a WebGPU provider that cannot start (no Vulkan driver) falls back to the CPU with a warning naming it', { timeout: 60_000 }, async () => {
    superResolution('webgpu');
    const host = hosts.start(['--show', showWith('sr-webgpu'), '--models', manifests, '--no-status'], { env: { VK_ICD_FILENAMES: path.join(dir, 'no-such-driver.json') } });
    await host.waitFor(/model sr-webgpu: execution provider \\"webgpu\\" could not start \(.+\); using the CPU/, 30_000);
    await host.waitFor(/vj-host running/, 30_000);
    expect(host.child.exitCode).toBeNull();
  });

  it('auto: the GPU where WebGPU finds a real one, else the CPU, said once with the adapter', { timeout: 60_000 }, async () => {
    const { adapter } = await probeGpu();
    superResolution('auto');
    const host = hosts.start(['--show', showWith('sr-auto'), '--models', manifests, '--no-status']);
    if (adapter && !adapter.software) await host.waitFor(new RegExp(`models run on the GPU through WebGPU: ${adapter.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), 30_000);
    else if (adapter) await host.waitFor(/models run on the CPU \(the only WebGPU adapter is .+ \(software, on the CPU\)\)/, 30_000);
    else await host.waitFor(/models run on the CPU \(/, 30_000);
  });
});
