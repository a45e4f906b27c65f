import { EPILOGUE, HOST_UNIFORM_BYTES, PRELUDE } from './prelude.js';
import type { UniformLayout } from './uniform-layout.js';

/** The most passes one effect may run per frame. */
export const MAX_PASSES = 8;

export interface EffectSource {
  /** What errors name: the file, or the effect's id. */
  name: string;
  /** The effect's own WGSL: at least `fn render(uv: vec2f) -> vec4f`. */
  code: string;
  passes: number;
  layout: UniformLayout;
}

/** A shader that did not compile, with where in the effect's own file (1-based line and column). */
export class ShaderError extends Error {
  constructor(
    message: string,
    readonly line: number | null = null,
    readonly column: number | null = null,
  ) {
    super(message);
  }
}

/** An effect ready to encode: one render pipeline per pass, sharing one bind group layout. */
export interface EffectProgram {
  pipelines: GPURenderPipeline[];
  bindGroupLayout: GPUBindGroupLayout;
  paramsBytes: number;
}

const FORMAT: GPUTextureFormat = 'rgba8unorm';

/** The bindings every effect has (see the prelude), explicit so the same bind group fits every shader. */
function bindGroupLayout(device: GPUDevice, paramsBytes: number): GPUBindGroupLayout {
  const texture = (binding: number): GPUBindGroupLayoutEntry => ({ binding, visibility: GPUShaderStage.FRAGMENT, texture: { sampleType: 'float' } });
  return device.createBindGroupLayout({
    entries: [
      { binding: 0, visibility: GPUShaderStage.FRAGMENT, buffer: { type: 'uniform', minBindingSize: HOST_UNIFORM_BYTES } },
      { binding: 1, visibility: GPUShaderStage.FRAGMENT, buffer: { type: 'uniform', minBindingSize: paramsBytes } },
      texture(2),
      texture(3),
      texture(4),
      { binding: 5, visibility: GPUShaderStage.FRAGMENT, sampler: { type: 'filtering' } },
      { binding: 6, visibility: GPUShaderStage.FRAGMENT, texture: { sampleType: 'unfilterable-float' } },
    ],
  });
}

/**
 * Compiles an effect off the frame loop. A compile error throws a ShaderError at the line and column of
 * the effect's own source; a shader the device cannot run (beyond its limits) throws the device's reason.
 */
export async function compileEffect(device: GPUDevice, source: EffectSource): Promise<EffectProgram> {
  if (!/\bfn\s+render\s*\(/.test(source.code)) throw new ShaderError(`${source.name}: no \`fn render(uv: vec2f) -> vec4f\``);
  if (!Number.isInteger(source.passes) || source.passes < 1 || source.passes > MAX_PASSES) {
    throw new ShaderError(`${source.name}: passes must be 1 to ${MAX_PASSES}, not ${source.passes}`);
  }
  const head = `${PRELUDE}\n${source.layout.wgsl('Params')}\n@group(0) @binding(1) var<uniform> params: Params;\n`;
  const offset = head.split('\n').length - 1;
  // The module's errors come from an error scope: getCompilationInfo() crashes Dawn's Node build now and then.
  device.pushErrorScope('validation');
  const module = device.createShaderModule({ label: source.name, code: `${head}${source.code}\n${EPILOGUE}` });
  const problem = await device.popErrorScope();
  if (problem) {
    const at = /:(\d+):(\d+) error: ([^\n]*)/.exec(problem.message);
    if (!at) throw new ShaderError(`${source.name}: ${firstLine(problem.message)}`);
    const line = Number(at[1]) - offset;
    const column = Number(at[2]);
    // An error inside the host's own code (a name the effect redefined) has no line in the effect's file.
    if (line < 1) throw new ShaderError(`${source.name}: ${at[3]} (in the host's prelude: a name the shader defines again?)`);
    throw new ShaderError(`${source.name}:${line}:${column}: ${at[3]}`, line, column);
  }
  const layout = bindGroupLayout(device, source.layout.size);
  const pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [layout] });
  const pipelines: GPURenderPipeline[] = [];
  for (let pass = 0; pass < source.passes; pass++) {
    device.pushErrorScope('validation');
    device.pushErrorScope('internal');
    let pipeline: GPURenderPipeline | null = null;
    let reason: string | null = null;
    try {
      // createRenderPipelineAsync aborts the process in Dawn's Node build (webgpu 0.6.2, std::system_error): the
      // synchronous call it is, and its cost (one stall of the thread, at load or on a save) is in the gpu bench.
      pipeline = device.createRenderPipeline({
        label: `${source.name} pass ${pass}`,
        layout: pipelineLayout,
        vertex: { module, entryPoint: 'vertexMain' },
        fragment: { module, entryPoint: 'fragmentMain', targets: [{ format: FORMAT }], ...(source.passes > 1 ? { constants: { PASS_INDEX: pass } } : {}) },
        primitive: { topology: 'triangle-list' },
      });
    } catch (e) {
      reason = e instanceof Error ? e.message : String(e);
    }
    const internal = await device.popErrorScope();
    const validation = await device.popErrorScope();
    reason ??= validation?.message ?? internal?.message ?? null;
    if (!pipeline || reason) throw new ShaderError(`${source.name}: the device refused the shader: ${firstLine(reason ?? 'no pipeline')}`);
    pipelines.push(pipeline);
  }
  return { pipelines, bindGroupLayout: layout, paramsBytes: source.layout.size };
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}

export const EFFECT_TEXTURE_FORMAT = FORMAT;
