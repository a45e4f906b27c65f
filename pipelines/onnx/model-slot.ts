import path from 'node:path';
import { describeError } from '../../core/errors.js';
import type { Log } from '../../core/log.js';
import type { PipelineStatus } from '../contract.js';
import type { Manifest } from './manifest.js';
import type { OrtSession } from './model-loader.js';
import { acquireSession } from './session-cache.js';

/**
 * The model a stage runs, and the one replacing it: a swap (another model file, or the same with
 * other load-time options) loads beside the running model, which keeps serving until the new one is
 * ready and checked; a failed load leaves the old one running and shows the error.
 */
export class ModelSlot {
  private current: { file: string; session: OrtSession; release: () => Promise<void> } | null = null;
  private loading: string | null = null;
  private failed: { file: string; error: string } | null = null;
  private swappedIn = false;
  private disposed = false;

  constructor(
    private readonly manifest: Manifest & { modelPath: string },
    private readonly log: Log,
  ) {}

  get session(): OrtSession {
    if (!this.current) throw new Error('no model loaded');
    return this.current.session;
  }

  /** Loads `file` (a name beside the manifest's model; empty: the manifest's own) and makes it current. */
  async load(file: string): Promise<void> {
    const modelPath = file ? this.resolve(file) : this.manifest.modelPath;
    // The manifest's checksum belongs to its own model; another file is checked against its inputs and outputs only.
    const { sha256: _sha256, ...rest } = this.manifest;
    const next = await acquireSession(file ? { ...rest, modelPath } : this.manifest, this.log);
    // A swap that finishes loading after its stage has gone (the effect removed, the show stopped) lets
    // the model go at once: nothing else would.
    if (this.disposed) {
      await next.release();
      return;
    }
    const old = this.current;
    this.current = { file, ...next };
    this.failed = null;
    // The new model plays from here: the swap is over before the old session is let go, which can take a
    // while (its thread finishing a run), and must neither show the stage as loading nor hold its input.
    if (this.loading === file) this.loading = null;
    if (!old) return;
    this.swappedIn = true;
    await old.release().catch((error: unknown) => {
      this.log.warn({ model: old.file }, `releasing the model swapped out: ${describeError(error)}`);
    });
  }

  /**
   * Called every run with the wanted model: starts a swap when it differs (once per wanted file).
   * Returns true exactly once after a swap completed, so the caller can crossfade.
   */
  want(file: string): boolean {
    if (this.current && file !== this.current.file && file !== this.loading && file !== this.failed?.file) {
      this.loading = file;
      this.load(file).catch(
        (error: unknown) => {
          if (this.loading === file) this.loading = null;
          this.failed = { file, error: describeError(error) };
          this.log.error({ model: file }, `model swap to "${file}" failed; the current model keeps playing: ${this.failed.error}`);
        },
      );
    }
    const swapped = this.swappedIn;
    this.swappedIn = false;
    return swapped;
  }

  /** Whether the current session would take the next frame now (never while a swap is loading). */
  wantsNextInput(framePeriodMs: number): boolean {
    return this.loading === null && this.current?.session.wantsNextInput?.(framePeriodMs) === true;
  }

  /** Where the model runs (its provider, and the adapter for WebGPU), and how long an inference takes there. */
  private runsOn(): Record<string, unknown> {
    const session = this.current?.session;
    if (!session) return {};
    const inferenceMs = session.inferenceMs?.() ?? 0;
    return { provider: session.provider ?? 'cpu', ...(session.adapter ? { adapter: session.adapter } : {}), ...(inferenceMs > 0 ? { inferenceMs: Math.round(inferenceMs * 10) / 10 } : {}) };
  }

  status(): PipelineStatus {
    const current = this.current ? this.current.file || path.basename(this.manifest.modelPath) : null;
    if (this.loading !== null) return { state: 'loading', current, next: this.loading || path.basename(this.manifest.modelPath), error: null };
    if (this.failed) return { state: 'error', current, next: null, error: this.failed.error };
    return { state: this.current ? 'loaded' : 'not-loaded', current, next: null, error: null, detail: this.runsOn() };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const current = this.current;
    this.current = null;
    await current?.release();
  }

  /** Model files are confined to the folder of the manifest's model. */
  private resolve(file: string): string {
    if (path.basename(file) !== file || !file.endsWith('.onnx')) throw new Error(`model "${file}": must be a .onnx file name in ${path.dirname(this.manifest.modelPath)}`);
    return path.join(path.dirname(this.manifest.modelPath), file);
  }
}
