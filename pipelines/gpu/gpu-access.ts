import type { GpuDevice } from '../../gpu/gpu-device.js';

/**
 * The host's GPU as the shader pipelines see it: the device, or why there is none. Set once at start (a
 * pipeline registered before it reads it when a stage is created or the list is asked for).
 */
export class GpuAccess {
  gpu: GpuDevice | null = null;
  reason = 'the GPU has not been opened';

  set(gpu: GpuDevice | null, reason?: string): void {
    this.gpu = gpu;
    this.reason = gpu ? '' : (reason ?? 'no GPU');
  }

  /** Why a GPU effect cannot run now, or null when it can. */
  unavailable(): string | null {
    if (!this.gpu) return this.reason;
    return this.gpu.device ? null : 'the GPU device was lost and is being opened again';
  }
}
