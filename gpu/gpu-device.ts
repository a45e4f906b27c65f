import { Backoff } from '../core/backoff.js';
import { describeError } from '../core/errors.js';
import { quietNative } from '../core/libc.js';
import type { Log } from '../core/log.js';

/** Where the GPU path runs: any adapter (`auto`), none (`off`), or the adapter of that name. */
export type GpuChoice = string;

/** The adapter as a start line and the stats name it. */
export interface AdapterInfo {
  name: string;
  vendor: string;
  architecture: string;
  /** The native API Dawn drives: Dawn's default for the platform. */
  backend: string;
  /** A CPU implementation (lavapipe): a real WebGPU device, but no GPU. */
  software: boolean;
  /** GPU time per pass can be measured (the adapter has timestamp queries). */
  timestamps: boolean;
}

interface Opened {
  device: GPUDevice;
  adapter: AdapterInfo;
}

const BACKENDS: Partial<Record<NodeJS.Platform, string>> = { linux: 'vulkan', win32: 'd3d12', darwin: 'metal' };

/**
 * The host's WebGPU device (Dawn, through the `webgpu` package), opened once at start. When the device is
 * lost mid-show the GPU path stops (stages pass their input through) and the device is opened again with
 * backoff; everything built on it listens to `onChange` and rebuilds on the new one.
 */
export class GpuDevice {
  private opened: Opened | null = null;
  private instance: GPU | null = null;
  private generationCount = 0;
  private readonly listeners = new Set<() => void>();
  private readonly backoff = new Backoff(500, 10_000);
  private closed = false;
  private lastProblem: string | null = null;

  private constructor(
    private readonly choice: GpuChoice,
    private readonly log: Log,
  ) {}

  /** Opens the device the choice names; null (with the reason said once) when there is none. */
  static async open(choice: GpuChoice, log: Log): Promise<{ gpu: GpuDevice | null; reason?: string }> {
    if (choice === 'off') return { gpu: null, reason: 'the GPU path is off (--gpu off)' };
    const gpu = new GpuDevice(choice, log);
    try {
      await gpu.connect();
      return { gpu };
    } catch (error) {
      return { gpu: null, reason: describeError(error) };
    }
  }

  get device(): GPUDevice | null {
    return this.opened?.device ?? null;
  }

  get adapter(): AdapterInfo | null {
    return this.opened?.adapter ?? null;
  }

  /** Changes each time the device is opened again: what was built on an older one is gone. */
  get generation(): number {
    return this.generationCount;
  }

  /** The last validation or device problem Dawn reported that no one caught. */
  get problem(): string | null {
    return this.lastProblem;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** For tests of a lost device: what a driver reset does. */
  loseForTest(): void {
    this.opened?.device.destroy();
  }

  close(): void {
    this.closed = true;
    const device = this.opened?.device;
    this.opened = null;
    device?.destroy();
  }

  private async connect(): Promise<void> {
    const { create, globals } = (await import('webgpu')) as { create: (flags: string[]) => GPU; globals: object };
    // The WebGPU constants (GPUBufferUsage, GPUTextureUsage, ...) as a browser has them.
    Object.assign(globalThis, globals);
    const flags = this.choice === 'auto' ? [] : [`adapter=${this.choice}`];
    // The instance is kept: once it is garbage-collected, Dawn's event pump calls into freed memory.
    this.instance = create(flags);
    const instance = this.instance;
    // Dawn says on stderr, in the call itself, that it lowered two limits: noise in the host's own log.
    const adapter = await quietNative(() => instance.requestAdapter({ powerPreference: 'high-performance' })).catch((error: unknown) => {
      // Dawn answers a name it does not know with the adapters it has, one per line: said as one line.
      const found = [...describeError(error).matchAll(/backend: '([^']+)', name: '([^']+)'/g)].map((m) => `"${m[2]}" (${m[1]})`);
      throw new Error(found.length ? `no WebGPU adapter named "${this.choice}"; the adapters here: ${found.join(', ')}` : describeError(error));
    });
    if (!adapter) throw new Error(this.choice === 'auto' ? 'no WebGPU adapter (no GPU or Vulkan driver answered)' : `no WebGPU adapter named "${this.choice}"`);
    const timestamps = adapter.features.has('timestamp-query');
    const device = await quietNative(() => adapter.requestDevice({ requiredFeatures: timestamps ? ['timestamp-query'] : [] }));
    const info = adapter.info;
    const software = info.isFallbackAdapter || info.architecture === 'software' || /llvmpipe|lavapipe|swiftshader/i.test(info.description);
    const name = info.description || info.device || 'unnamed adapter';
    this.opened = { device, adapter: { name, vendor: info.vendor, architecture: info.architecture, backend: BACKENDS[process.platform] ?? 'default', software, timestamps } };
    this.generationCount++;
    device.addEventListener('uncapturederror', (event) => {
      const message = event.error.message.split('\n')[0] ?? '';
      if (message !== this.lastProblem) this.log.warn(`GPU: ${message}`);
      this.lastProblem = message;
    });
    void device.lost.then((lost) => this.lost(device, lost));
    for (const listener of this.listeners) listener();
  }

  private lost(device: GPUDevice, lost: GPUDeviceLostInfo): void {
    if (this.opened?.device !== device) return;
    this.opened = null;
    this.generationCount++;
    for (const listener of this.listeners) listener();
    if (this.closed) return;
    this.log.error(`GPU device lost (${lost.reason}: ${lost.message}); GPU effects pass their input through until it is back`);
    this.reconnectLater();
  }

  private reconnectLater(): void {
    const timer = setTimeout(() => {
      if (this.closed) return;
      this.connect().then(
        () => {
          this.backoff.reset();
          this.log.info(`GPU device back: ${this.opened?.adapter.name ?? ''}`);
        },
        (error: unknown) => {
          this.log.warn(`GPU device not back yet: ${describeError(error)}`);
          this.reconnectLater();
        },
      );
    }, this.backoff.next());
    timer.unref();
  }
}

/** How an adapter reads in the start line. */
export function describeGpu(adapter: AdapterInfo): string {
  return `${adapter.name} (${adapter.backend}${adapter.software ? ', software: on the CPU' : ''})`;
}
