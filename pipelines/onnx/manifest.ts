import { Type, type Static, type TObject, type TUnsafe } from '@sinclair/typebox';
import { Providers } from './providers.js';

/**
 * How a model meets video: per input, the image's layout, channel order, value range and size policy
 * (or a scalar that becomes a live parameter); per output, how it turns back into a frame.
 */
const Range = Type.Union([
  Type.String({ enum: ['0..1', '0..255', '-1..1'] }),
  Type.Object({ mean: Type.Tuple([Type.Number(), Type.Number(), Type.Number()]), std: Type.Tuple([Type.Number(), Type.Number(), Type.Number()]) }, { additionalProperties: false }),
]);

export const FitModes = ['stretch', 'fit', 'fill'] as const;
export type FitMode = (typeof FitModes)[number];
const Fit = Type.Optional(
  Type.Unsafe<FitMode>({
    type: 'string', enum: [...FitModes],
    description: 'How the frame meets the model\'s size: stretch (default), fit (whole frame, letterboxed), fill (cropped to cover).',
  }),
);

const Size = Type.Union([
  Type.Object({ mode: Type.Literal('fixed'), width: Type.Integer({ minimum: 1, maximum: 8192 }), height: Type.Integer({ minimum: 1, maximum: 8192 }), fit: Fit }, { additionalProperties: false }),
  Type.Object(
    {
      mode: Type.Literal('dynamic'),
      width: Type.Integer({ minimum: 8, maximum: 8192, description: 'Default working width (a live parameter).' }),
      height: Type.Integer({ minimum: 8, maximum: 8192 }),
      multipleOf: Type.Optional(Type.Integer({ minimum: 1, maximum: 64, description: 'Working sizes are rounded to a multiple of this (default 1).' })),
      fit: Fit,
    },
    { additionalProperties: false },
  ),
]);

export const ImageInput = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    role: Type.Literal('image'),
    layout: Type.String({ enum: ['NCHW', 'NHWC'] }),
    channels: Type.String({ enum: ['RGB', 'BGR', 'Y'], description: 'Y: one channel, the luma (BT.601 full range), as super-resolution models take it.' }),
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

/** A model's luma (one channel) put back together with the input's own colour, as super-resolution does. */
export const LumaOutput = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    role: Type.Literal('luma'),
    layout: Type.String({ enum: ['NCHW', 'NHWC'] }),
    range: Type.String({ enum: ['0..1', '0..255'], description: 'Values are clamped to this range, then scaled to 0..255.' }),
  },
  { additionalProperties: false },
);

/**
 * A mask from a segmentation (or matting) model: per pixel, which classes win (`argmax`), their summed
 * probability (`softmax`, a soft edge), or one channel read as a probability (`sigmoid` for logits,
 * `value` for 0..1). `use`: "alpha" gives the input with the mask as its alpha (the mixer's alpha mode
 * then composites it over the other deck), "matte" a greyscale picture of the mask.
 */
export const MaskOutput = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    role: Type.Literal('mask'),
    layout: Type.String({ enum: ['NCHW', 'NHWC'] }),
    from: Type.String({ enum: ['argmax', 'softmax', 'sigmoid', 'value'] }),
    // No schema defaults inside a union (the validator ignores them there): the code applies them.
    classes: Type.Optional(Type.Array(Type.Integer({ minimum: 0, maximum: 4095 }), { description: 'argmax/softmax: the classes that make the mask (e.g. [15], person in PASCAL VOC).' })),
    channel: Type.Optional(Type.Integer({ minimum: 0, maximum: 4095, description: 'sigmoid/value: the channel to read (0).' })),
    use: Type.Optional(Type.String({ enum: ['alpha', 'matte'], description: 'alpha (default) or matte.' })),
  },
  { additionalProperties: false },
);

/**
 * One of several shapes, chosen by its `role`: a problem is reported against the shape the entry says it
 * is ("default is not a known field" only where that is true), not against every shape at once.
 */
function byRole<T extends TObject[]>(shapes: [...T]): TUnsafe<Static<T[number]>> {
  const roles = shapes.map((s) => (s.properties as unknown as { role: { const: string } }).role.const);
  return Type.Unsafe<Static<T[number]>>({ type: 'object', properties: { role: { type: 'string', enum: roles } }, required: ['role'], discriminator: { propertyName: 'role' }, oneOf: shapes });
}

export const ManifestSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,63}$', description: 'Pipeline id in show files.' }),
    name: Type.String({ minLength: 1 }),
    description: Type.String({ default: '' }),
    model: Type.String({ minLength: 1, description: 'The .onnx file, relative to the manifest (or absolute); ignored in a manifest embedded in the model.' }),
    sha256: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$', description: 'The model file\'s SHA-256: checked when the model is opened.' })),
    inputs: Type.Array(byRole([ImageInput, ParamInput]), { minItems: 1 }),
    outputs: Type.Array(byRole([ImageOutput, LumaOutput, MaskOutput]), { minItems: 1, maxItems: 1 }),
    threads: Type.Integer({ minimum: 1, maximum: 64, default: 1, description: 'Threads one inference may use.' }),
    provider: Type.String({
      enum: [...Providers], default: 'auto',
      description: 'auto: WebGPU where a GPU adapter exists, else the CPU; webgpu, cuda, coreml, dml: that provider (the CPU, with a warning, when it cannot start).',
    }),
  },
  { additionalProperties: false },
);

export type Manifest = Static<typeof ManifestSchema>;
export type ImageInputSpec = Static<typeof ImageInput>;
export type ParamInputSpec = Static<typeof ParamInput>;
export type ImageOutputSpec = Static<typeof ImageOutput>;
export type LumaOutputSpec = Static<typeof LumaOutput>;
export type MaskOutputSpec = Static<typeof MaskOutput>;
export type OutputSpec = ImageOutputSpec | LumaOutputSpec | MaskOutputSpec;
