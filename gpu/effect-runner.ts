import { EFFECT_TEXTURE_FORMAT, type EffectProgram } from './effect-program.js';
import { sharedResources } from './shared.js';

const TEXTURE_USAGE = () => GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_SRC | GPUTextureUsage.COPY_DST;

/** Where an effect's GPU time is written: the first and last of its passes stamp these query slots. */
export interface EffectTimestamps {
  querySet: GPUQuerySet;
  begin: number;
  end: number;
}

/**
 * One effect's GPU state in a segment: its parameters' uniform buffer, its output (two textures in turn,
 * so the previous frame's output is there to read as history) and, for several passes, the textures
 * between them. Bind groups are made once per input texture and kept, so a frame allocates nothing here.
 */
export class EffectRunner {
  private readonly paramsBuffer: GPUBuffer;
  private readonly outputs: [GPUTexture, GPUTexture];
  private readonly outputViews: [GPUTextureView, GPUTextureView];
  private readonly between: GPUTextureView[];
  private readonly betweenTextures: GPUTexture[];
  private groups = new Map<GPUTextureView, Map<GPUTextureView, GPUBindGroup[][]>>();
  private parity = 0;
  private readonly emptyTimestamps: undefined = undefined;

  constructor(
    private readonly device: GPUDevice,
    readonly width: number,
    readonly height: number,
    private program: EffectProgram,
  ) {
    this.paramsBuffer = device.createBuffer({ size: Math.max(program.paramsBytes, 256), usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    const texture = () => device.createTexture({ size: [width, height], format: EFFECT_TEXTURE_FORMAT, usage: TEXTURE_USAGE() });
    this.outputs = [texture(), texture()];
    this.outputViews = [this.outputs[0].createView(), this.outputs[1].createView()];
    this.betweenTextures = [];
    for (let i = 0; i < Math.min(2, program.pipelines.length - 1); i++) this.betweenTextures.push(texture());
    this.between = this.betweenTextures.map((t) => t.createView());
  }

  /** A recompiled shader takes over from the next frame; its passes must fit the textures made for it. */
  canTake(program: EffectProgram): boolean {
    return Math.min(2, program.pipelines.length - 1) === this.between.length && program.paramsBytes <= Math.max(this.program.paramsBytes, 256);
  }

  setProgram(program: EffectProgram): void {
    this.program = program;
    this.groups = new Map();
  }

  /**
   * Encodes every pass over `input`; returns the view of this frame's output. `second`: what the first
   * pass reads as `previousPass` instead of the input (the mixer's deck B).
   */
  encode(encoder: GPUCommandEncoder, input: GPUTextureView, params: Float32Array, timestamps: EffectTimestamps | null, second: GPUTextureView | null = null): GPUTextureView {
    this.device.queue.writeBuffer(this.paramsBuffer, 0, params.buffer, params.byteOffset, this.program.paramsBytes);
    this.parity ^= 1;
    const groups = this.bindGroupsFor(input, second ?? input)[this.parity]!;
    const passes = this.program.pipelines.length;
    for (let pass = 0; pass < passes; pass++) {
      const target = pass === passes - 1 ? this.outputViews[this.parity]! : this.between[pass % 2]!;
      const timestampWrites = timestamps && (pass === 0 || pass === passes - 1)
        ? { querySet: timestamps.querySet, ...(pass === 0 ? { beginningOfPassWriteIndex: timestamps.begin } : {}), ...(pass === passes - 1 ? { endOfPassWriteIndex: timestamps.end } : {}) }
        : this.emptyTimestamps;
      const renderPass = encoder.beginRenderPass({ colorAttachments: [{ view: target, loadOp: 'clear', storeOp: 'store', clearValue: [0, 0, 0, 0] }], ...(timestampWrites ? { timestampWrites } : {}) });
      renderPass.setPipeline(this.program.pipelines[pass]!);
      renderPass.setBindGroup(0, groups[pass]);
      renderPass.draw(3);
      renderPass.end();
    }
    return this.outputViews[this.parity]!;
  }

  /** The texture behind a view this runner returned (what the segment reads back). */
  textureOf(view: GPUTextureView): GPUTexture {
    return view === this.outputViews[0] ? this.outputs[0] : this.outputs[1];
  }

  /** Starts the history over (a device rebuilt, a stage restarted): clears both outputs. */
  dispose(): void {
    this.paramsBuffer.destroy();
    for (const t of [...this.outputs, ...this.betweenTextures]) t.destroy();
    this.groups.clear();
  }

  private bindGroupsFor(input: GPUTextureView, first: GPUTextureView): GPUBindGroup[][] {
    let byFirst = this.groups.get(input);
    let groups = byFirst?.get(first);
    if (groups) return groups;
    const shared = sharedResources(this.device);
    groups = [0, 1].map((parity) => {
      const history = this.outputViews[parity ^ 1]!;
      return this.program.pipelines.map((_, pass) => {
        const passInput = pass === 0 ? first : this.between[(pass - 1) % 2]!;
        return this.device.createBindGroup({
          layout: this.program.bindGroupLayout,
          entries: [
            { binding: 0, resource: { buffer: shared.hostBuffer } },
            { binding: 1, resource: { buffer: this.paramsBuffer, size: this.program.paramsBytes } },
            { binding: 2, resource: input },
            { binding: 3, resource: passInput },
            { binding: 4, resource: history },
            { binding: 5, resource: shared.sampler },
            { binding: 6, resource: shared.spectrumView },
          ],
        });
      });
    });
    // Inputs come from a few textures that take turns; a chain that changes shape starts the cache over.
    if (this.groups.size > 8) this.groups.clear();
    if (!byFirst || !this.groups.has(input)) {
      byFirst = new Map();
      this.groups.set(input, byFirst);
    }
    byFirst.set(first, groups);
    return groups;
  }
}
