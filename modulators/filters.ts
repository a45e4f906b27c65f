import { Type, type Static } from '@sinclair/typebox';

/**
 * Smoothing filters a route runs its signal through, in order. Each is tiny, declares its own
 * settings, and works on the frame's time step so results do not depend on the frame rate.
 */
export const LagSettings = Type.Object(
  { type: Type.Literal('lag'), time: Type.Number({ minimum: 0, maximum: 30, default: 0.1, description: 'Seconds to cover ~63% of a jump (one-pole).' }) },
  { additionalProperties: false },
);
export const SlewSettings = Type.Object(
  {
    type: Type.Literal('slew'),
    rise: Type.Number({ minimum: 0, maximum: 1000, default: 1, description: 'Largest rise per second (signal units).' }),
    fall: Type.Number({ minimum: 0, maximum: 1000, default: 1, description: 'Largest fall per second (signal units).' }),
  },
  { additionalProperties: false },
);
export const OneEuroSettings = Type.Object(
  {
    type: Type.Literal('one-euro'),
    minCutoff: Type.Number({ minimum: 0.001, maximum: 100, default: 1, description: 'Hz: smoothing when the input is still.' }),
    beta: Type.Number({ minimum: 0, maximum: 10, default: 0.05, description: 'How fast smoothing drops when the input moves.' }),
    dCutoff: Type.Number({ minimum: 0.001, maximum: 100, default: 1 }),
  },
  { additionalProperties: false },
);
export const FilterSettings = Type.Union([LagSettings, SlewSettings, OneEuroSettings]);
export type FilterSettings = Static<typeof FilterSettings>;
export const FilterTypes = ['lag', 'slew', 'one-euro'] as const;

export interface Filter {
  /** `dt` in seconds since the previous frame. */
  process(x: number, dt: number): number;
  reset(x: number): void;
}

class Lag implements Filter {
  private y = 0;
  private primed = false;
  constructor(private readonly s: Static<typeof LagSettings>) {}
  process(x: number, dt: number): number {
    if (!this.primed || this.s.time <= 0) return this.prime(x);
    this.y += (x - this.y) * (1 - Math.exp(-dt / this.s.time));
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
  constructor(private readonly s: Static<typeof SlewSettings>) {}
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
  constructor(private readonly s: Static<typeof OneEuroSettings>) {}
  process(x: number, dt: number): number {
    if (!this.primed || dt <= 0) {
      if (!this.primed) this.reset(x);
      return this.x;
    }
    const rawDx = (x - this.x) / dt;
    this.dx += (rawDx - this.dx) * alpha(this.s.dCutoff, dt);
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
  switch (settings.type) {
    case 'lag':
      return new Lag(settings);
    case 'slew':
      return new Slew(settings);
    case 'one-euro':
      return new OneEuro(settings);
  }
}
