/** Response curves for a route, applied to a normalised input: 0..1, or -1..1 mirrored around 0. */
export const Curves = ['linear', 'exponential', 'logarithmic', 's-curve', 'stepped'] as const;
export type Curve = (typeof Curves)[number];

const LOG_BASE = Math.log(10);

/** x in 0..1 -> 0..1. `steps` only matters for 'stepped'. */
export function applyCurveUnit(curve: Curve, x: number, steps: number): number {
  switch (curve) {
    case 'linear':
      return x;
    case 'exponential':
      return x * x;
    case 'logarithmic':
      return Math.log(1 + 9 * x) / LOG_BASE;
    case 's-curve':
      return x * x * (3 - 2 * x);
    case 'stepped': {
      const n = Math.max(1, Math.round(steps));
      return Math.min(1, Math.floor(x * n) / Math.max(1, n - 1));
    }
  }
}

/** Bipolar values keep their sign: the curve shapes the distance from 0. */
export function applyCurve(curve: Curve, x: number, bipolar: boolean, steps: number): number {
  if (!bipolar) return applyCurveUnit(curve, x, steps);
  return x < 0 ? -applyCurveUnit(curve, -x, steps) : applyCurveUnit(curve, x, steps);
}
