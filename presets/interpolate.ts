import type { ParamInfo } from '../core/params.js';
import { paramKinds } from '../params/kinds.js';
import type { Easing } from './preset.js';

export function ease(curve: Easing, t: number): number {
  const x = t < 0 ? 0 : t > 1 ? 1 : t;
  switch (curve) {
    case 'linear':
      return x;
    case 'ease-in':
      return x * x;
    case 'ease-out':
      return 1 - (1 - x) * (1 - x);
    case 'ease-in-out':
      return x * x * (3 - 2 * x);
  }
}

/**
 * A parameter's value part-way between two values: numbers along the line (angles the short way
 * round), colours through OKLab, switches and choices flipping at `switchPoint` (0, 0.5 or 1 of the way).
 * Each kind's own rule, from the kinds table.
 */
export function interpolate(info: ParamInfo, from: unknown, to: unknown, eased: number, progress: number, switchPoint: number): unknown {
  return paramKinds[info.kind].interpolate(info, from, to, eased, progress, switchPoint);
}
