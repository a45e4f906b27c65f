import { Type, type TObject, type TProperties } from '@sinclair/typebox';
import path from 'node:path';
import { Param } from '../../core/params.js';
import type { AnyPipelineDefinition } from '../contract.js';
import type { ImageInputSpec, Manifest, ParamInputSpec } from './manifest.js';
import { ModelEffect } from './model-effect.js';
import { readManifest } from './model-loader.js';
import { modelChoices } from './model-choices.js';
import { ModelSlot } from './model-slot.js';

/**
 * Any model described by a manifest, as a live effect. It runs decoupled from the frame loop (latest
 * input wins, the loop shows the newest result), with `mix` (dry/wet), the working resolution for
 * models of dynamic size, and one live parameter per scalar input the manifest names. All pixel work
 * (pre-processing, post-processing, the mix) happens off the frame loop, on a thread beside the
 * session's, so the model infers frame after frame while the pictures are made.
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
      return new ModelEffect(ctx, models, { image, output, scalars });
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

export type { Manifest };

