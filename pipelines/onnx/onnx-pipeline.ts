import { Type, type TObject, type TProperties } from '@sinclair/typebox';
import type { Frame } from '../../core/frame.js';
import { Param } from '../../core/params.js';
import type { AnyPipelineDefinition } from '../contract.js';
import { channelCount, frameToTensor, imageToFrame, lumaToFrame, maskToFrame, type Scratch } from './image-tensor.js';
import { placement } from './placement.js';
import type { ImageInputSpec, Manifest, ParamInputSpec } from './manifest.js';
import { openSession, readManifest, type OrtTensor } from './model-loader.js';

/**
 * Any model described by a manifest, as a live effect. It runs decoupled from the frame loop (latest
 * input wins, the loop shows the newest result), with `mix` (dry/wet), the working resolution for
 * models of dynamic size, and one live parameter per scalar input the manifest names.
 */
export function onnxPipeline(manifestFile: string): AnyPipelineDefinition {
  const manifest = readManifest(manifestFile);
  const image = manifest.inputs.find((i): i is ImageInputSpec => i.role === 'image');
  if (!image) throw new Error(`model manifest ${manifestFile}: needs one image input`);
  const scalars = manifest.inputs.filter((i): i is ParamInputSpec => i.role === 'param');
  const output = manifest.outputs[0]!;

  const props: TProperties = {
    mix: Param.number({ default: 1, min: 0, max: 1, unit: 'normalized', label: 'Mix', description: 'Dry (0) to wet (1).' }),
  };
  if (image.size.mode === 'dynamic') {
    props.workingWidth = Param.integer({ default: image.size.width, min: 32, max: 4096, unit: 'pixels', label: 'Working width', modulatable: false });
    props.workingHeight = Param.integer({ default: image.size.height, min: 32, max: 4096, unit: 'pixels', label: 'Working height', modulatable: false });
  }
  for (const s of scalars) props[s.param] = Param.number({ default: s.default, min: s.min, max: s.max, label: s.param });
  if (output.role === 'mask') props.invert = Param.boolean({ default: false, label: 'Invert mask', description: 'Swap what is inside and outside the mask.' });
  const params: TObject = Type.Object(props, { additionalProperties: false });

  return {
    id: manifest.id,
    name: manifest.name,
    kind: 'effect',
    description: manifest.description || `ONNX model ${manifest.model}`,
    execution: 'decoupled',
    params,
    async create(ctx) {
      const session = await openSession(manifest, ctx.log);
      const out: Frame = ctx.pool.acquire(ctx.width, ctx.height);
      const styled: Frame = ctx.pool.acquire(ctx.width, ctx.height);
      let tensorData = new Float32Array(0);
      const scratch: Scratch = { work: new Uint8Array(0), chroma: new Uint8Array(0) };
      const channels = channelCount(image);
      const scalarData = scalars.map(() => new Float32Array(1));
      return {
        async process(input, p) {
          if (!input) throw new Error('a model effect needs an input frame');
          const [w, h] = workingSize(image, p as Record<string, number>);
          if (tensorData.length !== channels * w * h) tensorData = new Float32Array(channels * w * h);
          const place = placement(image.size.fit, input.width, input.height, w, h);
          frameToTensor(input, image, w, h, place, tensorData);
          const feeds: Record<string, OrtTensor> = {
            [image.name]: { data: tensorData, dims: image.layout === 'NCHW' ? [1, channels, h, w] : [1, h, w, channels] },
          };
          scalars.forEach((s, i) => {
            scalarData[i]![0] = Number((p as Record<string, unknown>)[s.param]);
            feeds[s.name] = { data: scalarData[i]!, dims: [1] };
          });
          const results = await session.run(feeds);
          const result = results[output.name];
          if (!result) throw new Error(`the model returned no "${output.name}"`);
          if (!allFinite(result.data)) throw new Error(`the model returned NaN or Infinity in "${output.name}"`);
          const inputSize = { w, h };
          switch (output.role) {
            case 'image':
              styled.data.set(input.data); // what the model's picture does not cover (fill's margins) stays dry
              imageToFrame(result.data, result.dims, output, place, inputSize, styled, scratch);
              break;
            case 'luma':
              styled.data.set(input.data);
              lumaToFrame(result.data, result.dims, output, input, place, inputSize, styled, scratch);
              break;
            case 'mask':
              maskToFrame(result.data, result.dims, output, input, place, inputSize, (p as Record<string, unknown>).invert === true, styled, scratch);
              break;
          }
          blend(input, styled, Number((p as Record<string, unknown>).mix), out);
          out.index = input.index;
          out.time = input.time;
          return out;
        },
        async dispose() {
          ctx.pool.release(out);
          ctx.pool.release(styled);
          await session.release();
        },
      };
    },
  };
}

function workingSize(image: ImageInputSpec, p: Record<string, number>): [number, number] {
  if (image.size.mode === 'fixed') return [image.size.width, image.size.height];
  const m = image.size.multipleOf ?? 1;
  const round = (v: number): number => Math.max(m, Math.round(v / m) * m);
  return [round(p.workingWidth ?? image.size.width), round(p.workingHeight ?? image.size.height)];
}

/** Dry/wet; mix 0 gives the input exactly, mix 1 the model's picture exactly. */
function blend(dry: Frame, wet: Frame, mix: number, out: Frame): void {
  if (mix <= 0) return out.data.set(dry.data);
  if (mix >= 1) return out.data.set(wet.data);
  const a = dry.data;
  const b = wet.data;
  const d = out.data;
  for (let i = 0; i < d.length; i++) d[i] = a[i]! + (b[i]! - a[i]!) * mix + 0.5;
}

function allFinite(data: Float32Array): boolean {
  for (let i = 0; i < data.length; i += 97) if (!Number.isFinite(data[i]!)) return false;
  return true;
}

export type { Manifest };
