import { Type, type TObject, type TProperties } from '@sinclair/typebox';
import type { Frame } from '../../core/frame.js';
import { Param } from '../../core/params.js';
import type { AnyPipelineDefinition } from '../contract.js';
import type { FrameJob } from './frame-job.js';
import { crossfadeInto } from '../../core/blend.js';
import type { ImageInputSpec, Manifest, ParamInputSpec } from './manifest.js';
import { readManifest, type OrtSession } from './model-loader.js';
import { acquireSession } from './session-cache.js';
import { modelChoices } from './model-choices.js';
import { SizeGovernor, type GovernedSize, type GovernorReport } from './size-governor.js';
import path from 'node:path';
import { describeError } from '../../core/errors.js';
import type { PipelineStatus } from '../contract.js';
import type { Log } from '../../core/log.js';

/**
 * Any model described by a manifest, as a live effect. It runs decoupled from the frame loop (latest
 * input wins, the loop shows the newest result), with `mix` (dry/wet), the working resolution for
 * models of dynamic size, and one live parameter per scalar input the manifest names. All pixel work
 * (pre-processing, post-processing, the mix) happens on the model's own thread with the inference.
 */
export function onnxPipeline(manifestFile: string, options: { modelDir?: string } = {}): AnyPipelineDefinition {
  const read = readManifest(manifestFile);
  // The project's own manifests live apart from the models they describe (models/manifests, models/).
  const manifest = options.modelDir ? { ...read, modelPath: path.join(options.modelDir, path.basename(read.model)) } : read;
  const image = manifest.inputs.find((i): i is ImageInputSpec => i.role === 'image');
  if (!image) throw new Error(`model manifest ${manifestFile}: needs one image input`);
  const scalars = manifest.inputs.filter((i): i is ParamInputSpec => i.role === 'param');
  const output = manifest.outputs[0]!;

  const params = modelParams(image, scalars, output);

  return {
    id: manifest.id,
    name: manifest.name,
    kind: 'effect',
    description: manifest.description || `ONNX model ${manifest.model}`,
    execution: 'decoupled',
    params,
    choices: { model: () => modelChoices(manifest, manifestFile) },
    async create(ctx) {
      const models = new ModelSlot(manifest, ctx.log);
      await models.load('');
      const out: Frame = ctx.pool.acquire(ctx.width, ctx.height);
      const fade = new SwapFade(ctx.pool.acquire(ctx.width, ctx.height), ctx.now);
      // Frame buffers that travel to the model's thread and back (transferred, not copied), reused.
      const spare: Uint8Array[] = [];
      const sizes = new WorkingSize(image, 1000 / ctx.fps);
      return {
        status: () => withGovernor(models.status(), sizes.report()),
        async process(input, p) {
          if (!input) throw new Error('a model effect needs an input frame');
          const values = p as Record<string, unknown>;
          const wanted = values.model;
          const swapped = models.want(typeof wanted === 'string' ? wanted : '');
          if (swapped) fade.begin(out.data);
          const session = models.session;
          const [w, h] = sizes.next(values as Record<string, number>);
          const job: FrameJob = {
            width: input.width, height: input.height, image, output, w, h,
            scalars: scalars.map((s) => ({ name: s.name, value: Number(values[s.param]) })),
            mix: Number(values.mix), invert: values.invert === true,
          };
          let bytes = spare.pop();
          if (!bytes || bytes.length !== input.data.length) bytes = new Uint8Array(input.data.length);
          bytes.set(input.data);
          const startedAt = ctx.now();
          const rendered = await session.renderFrame(job, bytes);
          sizes.finished([w, h], ctx.now() - startedAt, ctx.now());
          out.data.set(rendered);
          spare.push(rendered);
          fade.apply(out.data, Number(values.swapFade));
          out.index = input.index;
          out.time = input.time;
          return out;
        },
        async dispose() {
          ctx.pool.release(out);
          ctx.pool.release(fade.from);
          await models.dispose();
        },
      };
    },
  };
}

/** A model effect's parameters, from its manifest: mix, working size (dynamic models), one per scalar input, and the swap controls. */
function modelParams(image: ImageInputSpec, scalars: ParamInputSpec[], output: Manifest['outputs'][number]): TObject {
  const props: TProperties = {
    mix: Param.number({ default: 1, min: 0, max: 1, unit: 'normalized', label: 'Mix', description: 'Dry (0) to wet (1).' }),
  };
  if (image.size.mode === 'dynamic') {
    props.workingWidth = Param.integer({ default: image.size.width, min: 32, max: 4096, unit: 'pixels', label: 'Working width', modulatable: false });
    props.workingHeight = Param.integer({ default: image.size.height, min: 32, max: 4096, unit: 'pixels', label: 'Working height', modulatable: false });
    props.targetFps = Param.number({
      default: 0, min: 0, max: 120, unit: 'hz', label: 'Target rate', modulatable: false,
      description: 'Hold the model at this many results a second, and run it no more often, by choosing its working size (never above the working size, never under the smallest width) as the machine\'s load changes; 0: off.',
    });
    props.minWidth = Param.integer({ default: Math.min(64, image.size.width), min: 8, max: 4096, unit: 'pixels', label: 'Smallest width', modulatable: false, description: 'The smallest working width the target rate may choose.' });
  }
  for (const s of scalars) props[s.param] = Param.number({ default: s.default, min: s.min, max: s.max, label: s.param });
  props.model = Type.String({
    default: '', maxLength: 255, pattern: '^$|^[^/\\\\]+\\.onnx$', live: false, label: 'Model file',
    description: 'Another .onnx file beside the manifest\'s model, with the same inputs and outputs (another style): loaded while the current one keeps playing, then crossfaded in. Empty: the manifest\'s model.',
  });
  props.betweenResults = Param.enum({
    options: ['hold', 'crossfade'] as const, default: 'hold', label: 'Between results',
    description: 'A model slower than the show: hold each picture until the next (hold), or fade from one to the next (crossfade, smoother, one frame of blending per tick).',
  });
  props.swapFade = Param.number({ default: 0.5, min: 0, max: 10, unit: 'seconds', label: 'Swap fade', modulatable: false, description: 'Crossfade from the old model to the new one after a swap.' });
  if (output.role === 'mask') props.invert = Param.boolean({ default: false, label: 'Invert mask', description: 'Swap what is inside and outside the mask.' });
  return Type.Object(props, { additionalProperties: false });
}

/** After a model swap, the old model's last picture fades out under the new one's, on the host's clock. */
class SwapFade {
  private startedAt = -1;

  constructor(
    readonly from: Frame,
    private readonly now: () => number,
  ) {}

  begin(last: Uint8Array): void {
    this.from.data.set(last);
    this.startedAt = this.now();
  }

  /** Lays the fading picture over `out` (in place) for a fade of `seconds`. */
  apply(out: Uint8Array, seconds: number): void {
    if (this.startedAt < 0) return;
    const progress = seconds > 0 ? (this.now() - this.startedAt) / (seconds * 1000) : 1;
    if (progress >= 1) this.startedAt = -1;
    else crossfadeInto(out, this.from.data, 1 - progress, out);
  }
}

function withGovernor(status: PipelineStatus, governor: GovernorReport | null): PipelineStatus {
  return governor ? { ...status, detail: { ...status.detail, governor } } : status;
}

/** This run's working size: as set, or (a dynamic model with a target rate) as the governor holds it. */
class WorkingSize {
  private readonly governor: SizeGovernor;
  private set: GovernedSize | null = null;

  constructor(
    private readonly image: ImageInputSpec,
    framePeriodMs: number,
  ) {
    this.governor = new SizeGovernor(framePeriodMs);
  }

  next(values: Record<string, number>): [number, number] {
    const [w, h] = workingSize(this.image, values);
    if (this.image.size.mode !== 'dynamic') return [w, h];
    this.set = { width: w, height: h, minWidth: values.minWidth ?? w, multipleOf: this.image.size.multipleOf ?? 1 };
    return this.governor.size(this.set, values.targetFps ?? 0);
  }

  finished(size: [number, number], durationMs: number, now: number): void {
    this.governor.finished(size, durationMs, now);
  }

  /** What the governor chose and why; null when it is off. */
  report(): GovernorReport | null {
    return this.set && this.governor.active ? this.governor.report(this.set) : null;
  }
}

function workingSize(image: ImageInputSpec, p: Record<string, number>): [number, number] {
  if (image.size.mode === 'fixed') return [image.size.width, image.size.height];
  const m = image.size.multipleOf ?? 1;
  const round = (v: number): number => Math.max(m, Math.round(v / m) * m);
  return [round(p.workingWidth ?? image.size.width), round(p.workingHeight ?? image.size.height)];
}

export type { Manifest };

/**
 * The model a stage runs, and the one replacing it: a swap (another model file, or the same with
 * other load-time options) loads beside the running model, which keeps serving until the new one is
 * ready and checked; a failed load leaves the old one running and shows the error.
 */
class ModelSlot {
  private current: { file: string; session: OrtSession; release: () => Promise<void> } | null = null;
  private loading: string | null = null;
  private failed: { file: string; error: string } | null = null;
  private swappedIn = false;

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
    const old = this.current;
    this.current = { file, ...next };
    this.failed = null;
    if (old) {
      this.swappedIn = true;
      await old.release();
    }
  }

  /**
   * Called every run with the wanted model: starts a swap when it differs (once per wanted file).
   * Returns true exactly once after a swap completed, so the caller can crossfade.
   */
  want(file: string): boolean {
    if (this.current && file !== this.current.file && file !== this.loading && file !== this.failed?.file) {
      this.loading = file;
      this.load(file).then(
        () => {
          if (this.loading === file) this.loading = null;
        },
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

  /** Where the model runs: its provider, and the adapter for WebGPU. */
  private runsOn(): Record<string, unknown> {
    const session = this.current?.session;
    return session ? { provider: session.provider ?? 'cpu', ...(session.adapter ? { adapter: session.adapter } : {}) } : {};
  }

  status(): PipelineStatus {
    const current = this.current ? this.current.file || path.basename(this.manifest.modelPath) : null;
    if (this.loading !== null) return { state: 'loading', current, next: this.loading || path.basename(this.manifest.modelPath), error: null };
    if (this.failed) return { state: 'error', current, next: null, error: this.failed.error };
    return { state: this.current ? 'loaded' : 'not-loaded', current, next: null, error: null, detail: this.runsOn() };
  }

  async dispose(): Promise<void> {
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
