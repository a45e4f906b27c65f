/**
 * Run as its own process by gpu-probe.ts: asks Dawn (the `webgpu` package) for an adapter and says what
 * it found as the last line on stderr. A process of its own, so the GPU driver's start-up noise, and a
 * driver that crashes, stay out of the host.
 */
import { PROBE_MARK, type ProbeResult } from './gpu-probe.js';

async function probe(): Promise<ProbeResult> {
  try {
    const { create } = (await import('webgpu')) as { create: (flags: string[]) => { requestAdapter(options?: unknown): Promise<{ info: Record<string, unknown> } | null> } };
    const adapter = await create([]).requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return { adapter: null, reason: 'no WebGPU adapter (no GPU driver answered)' };
    const info = adapter.info;
    const text = (k: string): string => (typeof info[k] === 'string' ? info[k] : '');
    const software = info.isFallbackAdapter === true || text('architecture') === 'software' || /llvmpipe|lavapipe|swiftshader|software/i.test(text('description'));
    return { adapter: { name: text('description') || text('device') || 'unnamed adapter', vendor: text('vendor'), architecture: text('architecture'), software } };
  } catch (error) {
    return { adapter: null, reason: `WebGPU unavailable: ${error instanceof Error ? error.message : String(error)}` };
  }
}

const result = await probe();
process.stderr.write(`\n${PROBE_MARK}${JSON.stringify(result)}\n`);
process.exit(0);
