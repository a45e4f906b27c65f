import sharp from 'sharp';
import { ManualDriver } from '../../core/driver.js';
import { silentLog, type Log } from '../../core/log.js';
import { GpuDevice } from '../../gpu/gpu-device.js';
import { buildEngine } from '../../host/build-engine.js';
import type { Engine } from '../../host/engine.js';
import { checkShow } from '../../host/show.js';
import { registerBuiltins } from '../../pipelines/builtins/index.js';
import { GpuAccess } from '../../pipelines/gpu/gpu-access.js';
import { registerShaderEffects } from '../../pipelines/gpu/library.js';
import { PipelineRegistry } from '../../pipelines/registry.js';

/** The machine's real WebGPU device (lavapipe here and in CI) and a registry holding the shader effects. */
export async function openTestGpu(choice = 'auto', log: Log = silentLog): Promise<{ access: GpuAccess; gpu: GpuDevice; registry: PipelineRegistry }> {
  const { gpu, reason } = await GpuDevice.open(choice, log);
  if (!gpu) throw new Error(`no WebGPU device for the GPU tests: ${reason ?? ''} (install Mesa's lavapipe: scripts/install-system-deps.sh)`);
  const access = new GpuAccess();
  access.set(gpu);
  const registry = new PipelineRegistry();
  registerBuiltins(registry);
  registerShaderEffects(registry, access);
  return { access, gpu, registry };
}

export interface ChainRef {
  pipeline: string;
  params?: Record<string, unknown>;
  bypass?: boolean;
}

/** A still test pattern (no moving disc, no frame code): the same input on every frame. */
export const STILL_SOURCE = { pipeline: 'test-pattern', params: { speed: 0, disc: false, frameCode: false } };

/** An engine on the manual clock playing `chain` over `source`; `step` ticks and waits for the GPU's results. */
export async function gpuEngine(registry: PipelineRegistry, chain: ChainRef[], options: { size?: string; source?: ChainRef; log?: Log } = {}): Promise<{ engine: Engine; step: (frames?: number) => Promise<Uint8Array> }> {
  const show = checkShow({ size: options.size ?? '96x54', decks: [{ id: 'a', source: options.source ?? STILL_SOURCE, chain: chain.map((c) => ({ params: {}, ...c })) }], osc: { enabled: false } }, registry);
  const driver = new ManualDriver();
  const engine = await buildEngine(show, registry, { driver, log: options.log ?? silentLog });
  await engine.start();
  const step = async (frames = 1): Promise<Uint8Array> => {
    for (let i = 0; i < frames; i++) {
      driver.tick(1);
      await engine.gpuSettled();
    }
    // The frame after a settled one shows its result (the readback runs one frame behind).
    driver.tick(1);
    await engine.gpuSettled();
    return Uint8Array.from(engine.lastFrame!.data);
  };
  return { engine, step };
}

/** Peak signal-to-noise ratio in dB over RGBA (Infinity when equal). */
export function psnr(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
  const mse = sum / a.length;
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

export function maxDiff(a: Uint8Array, b: Uint8Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

export async function readPng(file: string): Promise<Uint8Array> {
  const { data } = await sharp(file).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return new Uint8Array(data);
}

export async function writePng(file: string, data: Uint8Array, width: number, height: number): Promise<void> {
  await sharp(Buffer.from(data), { raw: { width, height, channels: 4 } }).png().toFile(file);
}
