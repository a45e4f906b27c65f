import { Type, type Static, type TNumber } from '@sinclair/typebox';
import { FilterDescriptions, FilterFields, FilterTypes, type FilterField, type FilterType } from './filter-kinds.js';

export { FilterTypes };

/*
 * Smoothing filters a route runs its signal through, in order. Each is tiny, reads its own settings
 * (declared in filter-kinds.ts), and works on the frame's time step so results do not depend on the
 * frame rate.
 */

const fieldSchemas = Object.fromEntries(
  Object.entries(FilterFields).map(([name, f]) => [name, Type.Number({ minimum: f.minimum, maximum: f.maximum, default: f.default, description: f.description })]),
) as { [K in FilterField]: TNumber };

/** One object for every filter type (each reads its own fields), so defaults apply and errors name the field. */
export const FilterSettings = Type.Object(
  { type: Type.String({ enum: [...FilterTypes], description: FilterTypes.map((t) => `${t}: ${FilterDescriptions[t]}`).join('; ') }), ...fieldSchemas },
  { additionalProperties: false },
);
export type FilterSettings = Static<typeof FilterSettings>;

export interface Filter {
  /** `dt` in seconds since the previous frame. */
  process(x: number, dt: number): number;
  reset(x: number): void;
}

class Lag implements Filter {
  private y = 0;
  private primed = false;
  // The step coefficient only changes with the frame time: computed again only then.
  private lastDt = -1;
  private k = 0;
  constructor(private readonly s: FilterSettings) {}
  process(x: number, dt: number): number {
    if (!this.primed || this.s.time <= 0) return this.prime(x);
    if (dt !== this.lastDt) {
      this.lastDt = dt;
      this.k = 1 - Math.exp(-dt / this.s.time);
    }
    this.y += (x - this.y) * this.k;
    return this.y;
  }
  reset(x: number): void {
    this.prime(x);
  }
  private prime(x: number): number {
    this.primed = true;
    this.y = x;
    return x;
  }
}

class Slew implements Filter {
  private y = 0;
  private primed = false;
  constructor(private readonly s: FilterSettings) {}
  process(x: number, dt: number): number {
    if (!this.primed) {
      this.primed = true;
      this.y = x;
      return x;
    }
    const d = x - this.y;
    const limit = (d > 0 ? this.s.rise : this.s.fall) * dt;
    this.y += Math.max(-limit, Math.min(limit, d));
    return this.y;
  }
  reset(x: number): void {
    this.primed = true;
    this.y = x;
  }
}

/** The 1€ filter (Casiez et al. 2012): steady for a resting finger, quick for a moving one. */
class OneEuro implements Filter {
  private x = 0;
  private dx = 0;
  private primed = false;
  private lastDt = -1;
  private dAlpha = 0;
  constructor(private readonly s: FilterSettings) {}
  process(x: number, dt: number): number {
    if (!this.primed || dt <= 0) {
      if (!this.primed) this.reset(x);
      return this.x;
    }
    if (dt !== this.lastDt) {
      this.lastDt = dt;
      this.dAlpha = alpha(this.s.dCutoff, dt);
    }
    const rawDx = (x - this.x) / dt;
    this.dx += (rawDx - this.dx) * this.dAlpha;
    const cutoff = this.s.minCutoff + this.s.beta * Math.abs(this.dx);
    this.x += (x - this.x) * alpha(cutoff, dt);
    return this.x;
  }
  reset(x: number): void {
    this.primed = true;
    this.x = x;
    this.dx = 0;
  }
}

function alpha(cutoff: number, dt: number): number {
  const tau = 1 / (2 * Math.PI * cutoff);
  return 1 / (1 + tau / dt);
}

export function createFilter(settings: FilterSettings): Filter {
  switch (settings.type as FilterType) {
    case 'lag':
      return new Lag(settings);
    case 'slew':
      return new Slew(settings);
    case 'one-euro':
      return new OneEuro(settings);
  }
}
