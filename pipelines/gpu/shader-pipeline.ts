import { describeError } from '../../core/errors.js';
import { compileEffect, type EffectProgram } from '../../gpu/effect-program.js';
import { EffectRunner } from '../../gpu/effect-runner.js';
import type { SegmentStep } from '../../gpu/segment.js';
import { UniformLayout } from '../../gpu/uniform-layout.js';
import type { AnyParams, AnyPipelineDefinition, GpuEffectHandle, PipelineContext, PipelineInstance, PipelineStatus } from '../contract.js';
import type { GpuAccess } from './gpu-access.js';
import type { ShaderFile } from './shader-file.js';
import type { ShaderSlot } from './shader-slot.js';

/** A shader effect as a pipeline like any other: its inputs are its parameters; it runs in the deck's GPU segment. */
export function shaderPipeline(slot: ShaderSlot, access: GpuAccess): AnyPipelineDefinition {
  const file = slot.file;
  return {
    id: file.id,
    name: file.name,
    kind: 'effect',
    description: file.description,
    categories: file.categories,
    params: file.params,
    unavailable: () => access.unavailable(),
    async create(ctx) {
      const reason = access.unavailable();
      if (reason) throw new Error(`needs the GPU: ${reason}`);
      const effect = new ShaderEffect(slot, access, ctx);
      await effect.build();
      return effect;
    },
  };
}

/** One stage's shader: compiled on its device, rebuilt on a new device, recompiled when its file changes. */
class ShaderEffect implements PipelineInstance<AnyParams>, GpuEffectHandle {
  readonly gpu: GpuEffectHandle = this;
  private runner: EffectRunner | null = null;
  private layout: UniformLayout;
  private builtFor = -1;
  private building: Promise<void> | null = null;
  private error: string | null = null;
  private readonly unsubscribe: () => void;
  private disposed = false;
  private filledFor: UniformLayout | null = null;

  constructor(
    private readonly slot: ShaderSlot,
    private readonly access: GpuAccess,
    private readonly ctx: PipelineContext,
  ) {
    this.layout = new UniformLayout(slot.file.params);
    this.unsubscribe = slot.onChange(() => void this.reload());
  }

  get device(): GPUDevice | null {
    const gpu = this.access.gpu;
    if (!gpu?.device || gpu.generation !== this.builtFor || !this.runner) {
      if (gpu?.device && !this.building && !this.disposed) this.building = this.build().catch((e: unknown) => this.fail(e)).finally(() => (this.building = null));
      return null;
    }
    return gpu.device;
  }

  step(params: AnyParams): SegmentStep | null {
    if (!this.runner) return null;
    if (this.filledFor !== this.layout) {
      // Inputs a reloaded file added start at their defaults; those it kept keep their values.
      for (const field of this.layout.fields) if (!(field.name in params)) params[field.name] = field.info.default;
      this.filledFor = this.layout;
    }
    return { runner: this.runner, params: this.layout.pack(params) };
  }

  /** Compiles on the current device (at start, and after the device came back). */
  async build(): Promise<void> {
    const gpu = this.access.gpu;
    const device = gpu?.device;
    if (!gpu || !device) throw new Error(`needs the GPU: ${this.access.unavailable() ?? ''}`);
    const generation = gpu.generation;
    const program = await this.compile(device, this.slot.file);
    if (this.disposed || gpu.generation !== generation) return;
    this.runner?.dispose();
    this.runner = new EffectRunner(device, this.ctx.width, this.ctx.height, program);
    this.builtFor = generation;
  }

  process(): never {
    throw new Error('a GPU effect runs in its deck\'s GPU segment, not on the CPU');
  }

  status(): PipelineStatus {
    const error = this.error ?? this.slot.error;
    return { state: error && !this.runner ? 'error' : 'loaded', current: this.slot.origin, next: null, error };
  }

  dispose(): void {
    this.disposed = true;
    this.unsubscribe();
    this.runner?.dispose();
    this.runner = null;
  }

  private async compile(device: GPUDevice, file: ShaderFile): Promise<EffectProgram> {
    const layout = new UniformLayout(file.params);
    const program = await compileEffect(device, { name: this.slot.origin, code: file.code, passes: file.passes, layout });
    this.layout = layout;
    return program;
  }

  /** The file was saved: the new code takes over at the next frame if it compiles; the old one runs on if not. */
  private async reload(): Promise<void> {
    const device = this.access.gpu?.device;
    if (!device || this.disposed) return;
    const version = this.slot.version;
    const file = this.slot.file;
    try {
      const layout = new UniformLayout(file.params);
      const program = await compileEffect(device, { name: this.slot.origin, code: file.code, passes: file.passes, layout });
      if (this.disposed || version !== this.slot.version) return;
      this.layout = layout;
      if (this.runner?.canTake(program)) this.runner.setProgram(program);
      else {
        this.runner?.dispose();
        this.runner = new EffectRunner(device, this.ctx.width, this.ctx.height, program);
      }
      this.error = null;
      this.ctx.log.info(`${this.slot.origin}: reloaded`);
    } catch (error) {
      this.fail(error);
    }
  }

  private fail(error: unknown): void {
    const message = describeError(error);
    if (message !== this.error) this.ctx.log.error(`${message} (the previous version keeps running)`);
    this.error = message;
    this.slot.failed(message);
  }
}
