import { describe, expect, it } from 'vitest';
import { validate } from '../../core/validation.js';
import { ManifestSchema } from '../../pipelines/onnx/manifest.js';

const base = { id: 'x', name: 'X', model: 'm.onnx', outputs: [{ name: 'o', role: 'image', layout: 'NCHW', channels: 'RGB', range: '0..255' }] };
const image = { name: 'in', role: 'image', layout: 'NCHW', channels: 'RGB', range: '0..1', size: { mode: 'fixed', width: 224, height: 224 } };
const param = { name: 'strength', role: 'param', param: 'strength', default: 1, min: 0, max: 2 };

describe('manifest problems are reported against the kind each entry declares', () => {
  it('a param input with a field of its own is fine; an unknown field is named alone', () => {
    expect(validate(ManifestSchema, { ...base, inputs: [image, param] })).toEqual([]);
    expect(validate(ManifestSchema, { ...base, inputs: [image, { ...param, step: 0.1 }] })).toEqual(['inputs[1].step: is not a known field']);
  });

  it('an image input given a param field is told that field is not one of an image\'s', () => {
    expect(validate(ManifestSchema, { ...base, inputs: [{ ...image, default: 3 }] })).toEqual(['inputs[0].default: is not a known field']);
  });

  it('a missing param field is named for the param kind only; an unknown role lists the roles', () => {
    const { min: _min, ...noMin } = param;
    expect(validate(ManifestSchema, { ...base, inputs: [noMin] })).toEqual(['inputs[0].min: is required']);
    expect(validate(ManifestSchema, { ...base, inputs: [{ name: 'a', role: 'wat' }] })).toEqual(['inputs[0].role: must be one of "image", "param"']);
    expect(validate(ManifestSchema, { ...base, inputs: [image], outputs: [{ name: 'o', role: 'mask', layout: 'NCHW', from: 'argmax', range: '0..1' }] })).toEqual(['outputs[0].range: is not a known field']);
  });
});
