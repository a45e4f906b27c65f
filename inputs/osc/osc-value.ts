import type { ParamInfo } from '../../core/params.js';

/** An OSC argument for a parameter value, typed the way surfaces expect (floats for faders). */
export function oscArgument(info: Pick<ParamInfo, 'kind'>, value: unknown): { type: string; value: unknown } {
  switch (info.kind) {
    case 'integer':
      return { type: 'i', value: Number(value) };
    case 'number':
      return { type: 'f', value: Number(value) };
    case 'boolean':
      return { type: 'boolean', value: Boolean(value) };
    case 'enum':
    case 'color':
    case 'string':
      return { type: 's', value: String(value) };
  }
}
