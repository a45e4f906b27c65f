import type { ParamInfo } from '../../core/params.js';
import { paramKinds } from '../../params/kinds.js';

/** An OSC argument for a parameter value, typed the way surfaces expect (floats for faders). */
export function oscArgument(info: Pick<ParamInfo, 'kind'>, value: unknown): { type: string; value: unknown } {
  return paramKinds[info.kind].oscArgument(value);
}
