import { Type, type Static } from '@sinclair/typebox';

/**
 * How a model meets video: per input, the image's layout, channel order, value range and size policy
 * (or a scalar that becomes a live parameter); per output, how it turns back into a frame.
 */
const Range = Type.Union([
  Type.String({ enum: ['0..1', '0..255', '-1..1'] }),
  Type.Object({ mean: Type.Tuple([Type.Number(), Type.Number(), Type.Number()]), std: Type.Tuple([Type.Number(), Type.Number(), Type.Number()]) }, { additionalProperties: false }),
]);

const Size = Type.Union([
  Type.Object({ mode: Type.Literal('fixed'), width: Type.Integer({ minimum: 1, maximum: 8192 }), height: Type.Integer({ minimum: 1, maximum: 8192 }) }, { additionalProperties: false }),
  Type.Object(
    {
      mode: Type.Literal('dynamic'),
      width: Type.Integer({ minimum: 8, maximum: 8192, description: 'Default working width (a live parameter).' }),
      height: Type.Integer({ minimum: 8, maximum: 8192 }),
      multipleOf: Type.Optional(Type.Integer({ minimum: 1, maximum: 64, description: 'Working sizes are rounded to a multiple of this (default 1).' })),
    },
    { additionalProperties: false },
  ),
]);

export const ImageInput = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    role: Type.Literal('image'),
    layout: Type.String({ enum: ['NCHW', 'NHWC'] }),
    channels: Type.String({ enum: ['RGB', 'BGR'] }),
    range: Range,
    size: Size,
  },
  { additionalProperties: false },
);

export const ParamInput = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    role: Type.Literal('param'),
    param: Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$', description: 'The live parameter name.' }),
    default: Type.Number(),
    min: Type.Number(),
    max: Type.Number(),
  },
  { additionalProperties: false },
);

export const ImageOutput = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    role: Type.Literal('image'),
    layout: Type.String({ enum: ['NCHW', 'NHWC'] }),
    channels: Type.String({ enum: ['RGB', 'BGR'] }),
    range: Type.String({ enum: ['0..1', '0..255', '-1..1'], description: 'Values are clamped to this range, then scaled to 0..255.' }),
  },
  { additionalProperties: false },
);

export const ManifestSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,63}$', description: 'Pipeline id in show files.' }),
    name: Type.String({ minLength: 1 }),
    description: Type.String({ default: '' }),
    model: Type.String({ minLength: 1, description: 'The .onnx file, relative to the manifest (or absolute).' }),
    inputs: Type.Array(Type.Union([ImageInput, ParamInput]), { minItems: 1 }),
    outputs: Type.Array(ImageOutput, { minItems: 1, maxItems: 1 }),
    threads: Type.Integer({ minimum: 1, maximum: 64, default: 1, description: 'Threads one inference may use.' }),
    provider: Type.String({ enum: ['cpu', 'cuda', 'coreml', 'dml'], default: 'cpu' }),
  },
  { additionalProperties: false },
);

export type Manifest = Static<typeof ManifestSchema>;
export type ImageInputSpec = Static<typeof ImageInput>;
export type ParamInputSpec = Static<typeof ParamInput>;
export type ImageOutputSpec = Static<typeof ImageOutput>;
