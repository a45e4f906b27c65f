import type { ParamInfo } from '../../core/params.js';
import { paramKinds } from '../../params/kinds.js';

/** The OSC arguments for a parameter value, typed the way surfaces expect (floats for faders, one per vector component). */
export function oscArguments(info: ParamInfo, value: unknown): { type: string; value: unknown }[] {
  return paramKinds[info.kind].oscArguments(info, value);
}
