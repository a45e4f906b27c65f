import type { Frame } from '../../core/frame.js';
import { crossfadeInto } from '../../core/blend.js';
import type { AnyParams, PipelineContext, PipelineInstance, PipelineStatus } from '../contract.js';
import type { FrameJob } from './frame-job.js';
import type { ImageInputSpec, OutputSpec, ParamInputSpec } from './manifest.js';
import type { ModelSlot } from './model-slot.js';
import { SizeGovernor, type GovernedSize, type GovernorReport } from './size-governor.js';

/** What a model effect feeds its model and reads back, from its manifest. */
export interface ModelIo {
  image: ImageInputSpec;
  output: OutputSpec;
  scalars: ParamInputSpec[];
}

/**
 * A model effect running in a stage: each frame copied into a buffer that travels to the model's threads
 * and back (transferred, not copied), the result written into one of two frames of its own. Two runs can
 * be in flight (the next handed over before the last came back): results alternate between the frames,
 * so the one the stage shows is never the one being written, and an older result never replaces a newer
 * one. Nothing waits on another run: a run that never comes back holds up no other.
 */
export class ModelEffect implements PipelineInstance<AnyParams> {
  private readonly outs: [Frame, Frame];
  private newest: 0 | 1 = 0;
  private readonly fade: SwapFade;
  private readonly spare: Uint8Array[] = [];
  private readonly sizes: WorkingSize;
  /** The number of the last run asked for, and of the newest whose result was written. */
  private asked = 0;
  private written = 0;

  constructor(
    private readonly ctx: PipelineContext,
    private readonly models: ModelSlot,
    private readonly io: ModelIo,
  ) {
    this.outs = [ctx.pool.acquire(ctx.width, ctx.height), ctx.pool.acquire(ctx.width, ctx.height)];
    this.fade = new SwapFade(ctx.pool.acquire(ctx.width, ctx.height), ctx.now);
    this.sizes = new WorkingSize(io.image, 1000 / ctx.fps);
  }

  status(): PipelineStatus {
    const status = this.models.status();
    const governor = this.sizes.report();
    return governor ? { ...status, detail: { ...status.detail, governor } } : status;
  }

  wantsNextInput(): boolean {
    return this.models.wantsNextInput(1000 / this.ctx.fps);
  }

  async process(input: Frame | null, values: AnyParams): Promise<Frame> {
    if (!input) throw new Error('a model effect needs an input frame');
    const wanted = values.model;
    if (this.models.want(typeof wanted === 'string' ? wanted : '')) this.fade.begin(this.outs[this.newest].data);
    const session = this.models.session;
    const [w, h] = this.sizes.next(values as Record<string, number>);
    const { image, output, scalars } = this.io;
    const job: FrameJob = {
      width: input.width, height: input.height, image, output, w, h,
      scalars: scalars.map((s) => ({ name: s.name, value: Number(values[s.param]) })),
      mix: Number(values.mix), invert: values.invert === true,
    };
    let bytes = this.spare.pop();
    if (!bytes || bytes.length !== input.data.length) bytes = new Uint8Array(input.data.length);
    bytes.set(input.data);
    const asked = ++this.asked;
    const { frame, costMs } = await session.renderFrame(job, bytes);
    // A result that comes back after a newer one (a run on the model being swapped out, behind one on the
    // new model) is dropped: the newer picture stays.
    if (asked < this.written) {
      this.spare.push(frame);
      return this.outs[this.newest];
    }
    this.written = asked;
    this.sizes.finished([w, h], costMs, this.ctx.now());
    this.newest = this.newest === 0 ? 1 : 0;
    const out = this.outs[this.newest];
    out.data.set(frame);
    this.spare.push(frame);
    this.fade.apply(out.data, Number(values.swapFade));
    out.index = input.index;
    out.time = input.time;
    return out;
  }

  async dispose(): Promise<void> {
    for (const out of this.outs) this.ctx.pool.release(out);
    this.ctx.pool.release(this.fade.from);
    await this.models.dispose();
  }
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

