import type { Log } from '../core/log.js';
import { adapterKnown } from '../core/gpu-probe.js';
import { describeGpu, GpuDevice } from '../gpu/gpu-device.js';
import type { Engine } from '../host/engine.js';
import type { GpuAccess } from '../pipelines/gpu/gpu-access.js';
import type { PipelineRegistry } from '../pipelines/registry.js';

/**
 * Opens the GPU the show (or --gpu) asks for, says once what it got; without one, the CPU path, and the
 * GPU effects the registry then lists as unavailable. Never fails the show.
 */
export async function openGpu(choice: string, access: GpuAccess, registry: PipelineRegistry, log: Log): Promise<void> {
  const { gpu, reason } = await GpuDevice.open(choice, log.child({ part: 'gpu' }));
  access.set(gpu, reason);
  // What the GPU path found is what a model's `auto` would probe for (not with --gpu off: nothing was asked).
  if (gpu?.adapter) adapterKnown({ adapter: { name: gpu.adapter.name, vendor: gpu.adapter.vendor, architecture: gpu.adapter.architecture, software: gpu.adapter.software } });
  else if (choice === 'auto') adapterKnown({ adapter: null, ...(reason ? { reason } : {}) });
  if (gpu?.adapter) {
    log.info({ gpu: gpu.adapter }, `GPU: ${describeGpu(gpu.adapter)}`);
    return;
  }
  const gpuOnly = registry.list().filter((e) => e.unavailable).map((e) => e.id);
  log.warn({ gpu: null, reason }, `GPU: none (${reason ?? 'unknown'}); the CPU path runs, and ${gpuOnly.length} GPU effect(s) are unavailable`);
}

/** The stats' `gpu` section: the adapter, and each segment's counts and times. */
export function addGpuStats(engine: Engine, access: GpuAccess): void {
  engine.addStatsSection('gpu', () => ({
    adapter: access.gpu?.adapter ?? null,
    unavailable: access.unavailable(),
    problem: access.gpu?.problem ?? null,
    segments: engine.gpuSegments(),
  }));
}
