import { describe, expect, it } from 'vitest';
import { Param } from '../../core/params.js';
import { UniformLayout } from '../../gpu/uniform-layout.js';
import { parseShaderFile, ShaderHeaderError } from '../../pipelines/gpu/shader-file.js';

describe('a shader file\'s header', () => {
  it('reads ISF\'s keys (and lower-case ones) into a parameter schema', () => {
    const file = parseShaderFile('wave', `/*{
  "NAME": "Wave", "DESCRIPTION": "d", "CATEGORIES": ["Distort"],
  "INPUTS": [
    { "NAME": "amount", "TYPE": "float", "MIN": 0, "MAX": 2, "DEFAULT": 0.5, "LABEL": "Amount" },
    { "NAME": "shape", "TYPE": "long", "VALUES": [0, 1], "LABELS": ["sine", "square"], "DEFAULT": 1 },
    { "NAME": "count", "TYPE": "long", "MIN": 1, "MAX": 8, "DEFAULT": 3 },
    { "NAME": "on", "TYPE": "bool", "DEFAULT": true },
    { "name": "tint", "type": "color", "default": [1, 0.5, 0, 1] },
    { "name": "centre", "type": "point2D", "min": [0, 0], "max": [1, 1], "default": [0.25, 0.75] }
  ],
  "passes": 2
}*/
fn render(uv: vec2f) -> vec4f { return input(uv); }`);
    expect(file).toMatchObject({ name: 'Wave', description: 'd', categories: ['Distort'], passes: 2 });
    const p = file.params.properties as Record<string, Record<string, unknown>>;
    expect(p.amount).toMatchObject({ type: 'number', minimum: 0, maximum: 2, default: 0.5, label: 'Amount' });
    expect(p.shape).toMatchObject({ enum: ['sine', 'square'], default: 'square' });
    expect(p.count).toMatchObject({ type: 'integer', default: 3 });
    expect(p.on).toMatchObject({ type: 'boolean', default: true });
    expect(p.tint).toMatchObject({ default: '#ff8000', format: 'color' });
    expect(p.centre).toMatchObject({ default: [0.25, 0.75], minItems: 2 });
    // The header's lines stay as blank lines: an error's line number is the file's.
    expect(file.code.split('\n').findIndex((l) => l.startsWith('fn render'))).toBe(12);
  });

  it('refuses what it cannot use, saying which input and why', () => {
    expect(() => parseShaderFile('x', 'fn render(uv: vec2f) -> vec4f { return vec4f(1.0); }')).toThrow(/no JSON header/);
    expect(() => parseShaderFile('x', '/*{ "inputs": [ }*/')).toThrow(ShaderHeaderError);
    expect(() => parseShaderFile('x', '/*{ "inputs": [{ "name": "a", "type": "float", "min": 0, "max": 1, "default": 2 }] }*/')).toThrow(/input "a": default 2 is outside 0..1/);
    expect(() => parseShaderFile('x', '/*{ "inputs": [{ "name": "a", "type": "image" }] }*/')).toThrow(/input "a": type "image" is not one of/);
    expect(() => parseShaderFile('x', '/*{ "inputs": [{ "name": "1a" }] }*/')).toThrow(/inputs\[0\]\.name/);
  });
});

describe('the uniform layout derived from a schema', () => {
  it('places each parameter by WGSL\'s alignment rules and packs the values (enums as their index, colours 0..1)', () => {
    const layout = new UniformLayout(Param.object({
      a: Param.number({ default: 0.5, min: 0, max: 1 }),
      centre: Param.vector({ default: [0.1, 0.2], min: 0, max: 1 }),
      tint: Param.color({ default: '#ff0000' }),
      mode: Param.enum({ options: ['x', 'y', 'z'] as const, default: 'z' }),
      on: Param.boolean({ default: true }),
    }));
    expect(layout.fields.map((f) => [f.name, f.type, f.offset])).toEqual([['a', 'f32', 0], ['centre', 'vec2f', 8], ['tint', 'vec4f', 16], ['mode', 'f32', 32], ['on', 'f32', 36]]);
    expect(layout.size).toBe(48);
    expect(layout.wgsl('Params')).toBe('struct Params {\n  a: f32,\n  centre: vec2f,\n  tint: vec4f,\n  mode: f32,\n  on: f32,\n}');
    expect([...layout.pack({ a: 0.5, centre: [0.1, 0.2], tint: '#ff0000', mode: 'z', on: true })].slice(0, 10).map((v) => Math.round(v * 100) / 100)).toEqual([0.5, 0, 0.1, 0.2, 1, 0, 0, 1, 2, 1]);
    expect(new UniformLayout(Param.object({})).size).toBe(16);
  });
});
