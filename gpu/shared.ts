import { SPECTRUM_BINS } from '../core/limits.js';
import { HOST_UNIFORM_BYTES } from './prelude.js';

/** What every effect and segment on one device shares: the host's uniform block and the sampler. */
export interface SharedResources {
  hostBuffer: GPUBuffer;
  sampler: GPUSampler;
  /** The audio spectrum, SPECTRUM_BINS x 1 floats, written once a frame by each segment that runs. */
  spectrum: GPUTexture;
  spectrumView: GPUTextureView;
}

const byDevice = new WeakMap<GPUDevice, SharedResources>();

export function sharedResources(device: GPUDevice): SharedResources {
  let shared = byDevice.get(device);
  if (!shared) {
    shared = {
      hostBuffer: device.createBuffer({ size: HOST_UNIFORM_BYTES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST }),
      sampler: device.createSampler({ magFilter: 'linear', minFilter: 'linear', addressModeU: 'clamp-to-edge', addressModeV: 'clamp-to-edge' }),
      spectrum: device.createTexture({ size: [SPECTRUM_BINS, 1], format: 'r32float', usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST }),
      spectrumView: null as unknown as GPUTextureView,
    };
    shared.spectrumView = shared.spectrum.createView();
    byDevice.set(device, shared);
  }
  return shared;
}
