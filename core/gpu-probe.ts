import { distPath } from './dist-path.js';
import { spawner } from './spawner.js';

/** A GPU adapter as WebGPU names it; `software`: a CPU implementation (lavapipe), not a GPU. */
export interface GpuAdapter {
  name: string;
  vendor: string;
  architecture: string;
  software: boolean;
}

export interface ProbeResult {
  adapter: GpuAdapter | null;
  /** Why there is none. */
  reason?: string;
}

export const PROBE_MARK = 'vj-host-gpu-probe:';
/** A driver that hangs must not hold up a model's load for long. */
const PROBE_TIMEOUT_MS = 15_000;

let probed: Promise<ProbeResult> | null = null;

/**
 * The machine's WebGPU adapter, asked once per process in a child of its own (started through the
 * spawner, off the frame loop). Never rejects: no adapter, no driver or no `webgpu` package is a result.
 */
export function probeGpu(): Promise<ProbeResult> {
  probed ??= new Promise((resolve) => {
    const child = spawner.spawn(process.execPath, [distPath(import.meta.url, 'core', 'gpu-probe-child.js')]);
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({ adapter: null, reason: `the GPU probe did not answer within ${PROBE_TIMEOUT_MS / 1000} s` });
    }, PROBE_TIMEOUT_MS);
    timer.unref();
    child.onStderr((text) => (stderr = (stderr + text).slice(-8000)));
    child.onError((_code, message) => {
      clearTimeout(timer);
      resolve({ adapter: null, reason: `cannot start the GPU probe: ${message}` });
    });
    child.onClose((code, signal) => {
      clearTimeout(timer);
      const line = stderr.split('\n').find((l) => l.startsWith(PROBE_MARK));
      if (!line) return resolve({ adapter: null, reason: `the GPU probe ended without an answer (${signal ?? `code ${code}`})` });
      try {
        resolve(JSON.parse(line.slice(PROBE_MARK.length)) as ProbeResult);
      } catch {
        resolve({ adapter: null, reason: 'the GPU probe answered nonsense' });
      }
    });
  });
  return probed;
}

/**
 * The adapter this process has already opened (the GPU path's device), or why it has none: then a
 * model's `auto` needs no probe child (a second Node process and a second Dawn, seconds on a busy machine).
 */
export function adapterKnown(result: ProbeResult): void {
  probed ??= Promise.resolve(result);
}

/** How the adapter reads in a log line. */
export function describeAdapter(adapter: GpuAdapter): string {
  return `${adapter.name}${adapter.software ? ' (software, on the CPU)' : ''}`;
}
