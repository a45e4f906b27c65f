import { describeAdapter, probeGpu } from '../../core/gpu-probe.js';
import type { Log } from '../../core/log.js';

/** Where a model runs. `auto`: WebGPU where a real GPU adapter exists, else the CPU. */
export const Providers = ['auto', 'cpu', 'webgpu', 'cuda', 'coreml', 'dml'] as const;
export type Provider = (typeof Providers)[number];

export interface ProviderChoice {
  /** What onnxruntime is asked for. */
  provider: Exclude<Provider, 'auto'>;
  /** The adapter it runs on (webgpu), for the status and the log. */
  adapter: string | null;
}

let said = false;

/**
 * The provider `auto` stands for on this machine, said once per process with the adapter's name: a
 * software adapter (lavapipe) runs models tens of times slower than the CPU provider, so it counts as none.
 * Named providers are taken as asked (onnxruntime falls back to the CPU, with a warning, when one cannot start).
 */
export async function chooseProvider(asked: Provider, log: Log): Promise<ProviderChoice> {
  if (asked !== 'auto' && asked !== 'webgpu') return { provider: asked, adapter: null };
  const { adapter, reason } = await probeGpu();
  if (asked === 'webgpu') return { provider: 'webgpu', adapter: adapter ? describeAdapter(adapter) : null };
  const gpu = adapter && !adapter.software ? adapter : null;
  if (!said) {
    said = true;
    if (gpu) log.info({ adapter: gpu.name }, `models run on the GPU through WebGPU: ${gpu.name}`);
    else log.info(`models run on the CPU (${adapter ? `the only WebGPU adapter is ${describeAdapter(adapter)}` : reason ?? 'no GPU adapter'}); "provider": "webgpu" in a manifest uses it anyway`);
  }
  return gpu ? { provider: 'webgpu', adapter: gpu.name } : { provider: 'cpu', adapter: null };
}
