import type { TSchema } from '@sinclair/typebox';
import { parseHexColor } from '../core/color.js';
import { describeParams, type ParamInfo } from '../core/params.js';

/** A WGSL type a parameter becomes in the uniform buffer, with its size and alignment (WGSL's uniform rules). */
const WgslTypes = {
  f32: { size: 4, align: 4 },
  vec2f: { size: 8, align: 8 },
  vec3f: { size: 12, align: 16 },
  vec4f: { size: 16, align: 16 },
} as const;
type WgslType = keyof typeof WgslTypes;

export interface UniformField {
  name: string;
  type: WgslType;
  /** Byte offset in the buffer. */
  offset: number;
  info: ParamInfo;
}

/**
 * Where each parameter of a schema lives in a WGSL uniform struct, derived from the schema (never
 * written by hand): numbers, integers, booleans (0 or 1) and enums (the option's index) are f32; a
 * vector is vec2f to vec4f; a colour is vec4f (0..1, alpha 1). Offsets follow WGSL's alignment rules; the
 * struct's size is a multiple of 16.
 */
export class UniformLayout {
  readonly fields: UniformField[];
  readonly size: number;
  private readonly words: Float32Array;

  constructor(schema: TSchema) {
    let offset = 0;
    this.fields = describeParams(schema).map((info) => {
      const type = wgslTypeOf(info);
      const { size, align } = WgslTypes[type];
      offset = Math.ceil(offset / align) * align;
      const field = { name: info.name, type, offset, info };
      offset += size;
      return field;
    });
    // An empty struct is not valid WGSL: a schema with no parameters still gets one (unused) f32.
    this.size = Math.max(16, Math.ceil(offset / 16) * 16);
    this.words = new Float32Array(this.size / 4);
  }

  /** The struct as WGSL source, named `name`. */
  wgsl(name: string): string {
    const members = this.fields.map((f) => `  ${f.name}: ${f.type},`);
    if (members.length === 0) members.push('  _unused: f32,');
    return `struct ${name} {\n${members.join('\n')}\n}`;
  }

  /** The parameters' current values, packed; the returned array is reused (nothing is allocated per frame). */
  pack(values: Record<string, unknown>): Float32Array {
    const words = this.words;
    for (const f of this.fields) {
      const at = f.offset / 4;
      const v = values[f.name];
      switch (f.info.kind) {
        case 'color': {
          const [r, g, b] = parseHexColor(typeof v === 'string' ? v : '#000000');
          words[at] = r / 255;
          words[at + 1] = g / 255;
          words[at + 2] = b / 255;
          words[at + 3] = 1;
          break;
        }
        case 'vector': {
          const list = Array.isArray(v) ? (v as number[]) : [];
          for (let i = 0; i < (f.info.size ?? 2); i++) words[at + i] = Number(list[i] ?? 0);
          break;
        }
        case 'enum':
          words[at] = Math.max(0, (f.info.options ?? []).indexOf(String(v)));
          break;
        case 'boolean':
          words[at] = v === true ? 1 : 0;
          break;
        case 'number':
        case 'integer':
        case 'string':
          words[at] = typeof v === 'number' ? v : 0;
      }
    }
    return words;
  }
}

function wgslTypeOf(info: ParamInfo): WgslType {
  if (info.kind === 'color') return 'vec4f';
  if (info.kind === 'vector') return info.size === 4 ? 'vec4f' : info.size === 3 ? 'vec3f' : 'vec2f';
  if (info.kind === 'string') throw new Error(`parameter "${info.name}": a text parameter cannot reach a shader`);
  return 'f32';
}
