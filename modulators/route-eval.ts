import { applyCurve, type Curve } from './curves.js';
import type { Filter } from './filters.js';
import type { CombineMode, RouteConfig, TakeoverMode } from './route.js';

/**
 * How near (a fraction of the range) a picking-up control must come to the value to take it: a knob
 * turned quickly skips values between two messages, so passing across the value counts too.
 */
const PICKUP_WINDOW = 0.02;

/** A route with everything the per-frame loop reads copied into flat fields. */
export interface CompiledRoute {
  config: RouteConfig;
  slot: number;
  bipolar: boolean;
  inMin: number;
  inSpan: number;
  invert: boolean;
  curve: Curve;
  linear: boolean;
  steps: number;
  amount: number;
  offset: number;
  absolute: boolean;
  takeover: TakeoverMode;
  /** Absolute routes: whether the control holds the value (false after it was set another way, until taken back). */
  holding: boolean;
  /** The base value this route last saw: a change means the value was set another way. */
  seenBase: unknown;
  /** While not holding: the control's position (pickup) or raw signal (jump) last frame. */
  lastPosition: number;
  lastSignal: number;
  filters: Filter[];
  combine: CombineMode;
  /** Latest output, as a fraction of the target range, for meters. */
  last: number;
}

/**
 * Whether an absolute route's control holds the value this frame. The value set another way (its base
 * changed) hands it to that setter; the control takes it back by passing through it (pickup) or by
 * moving at all (jump), so a knob left elsewhere never makes the value leap.
 */
export function takesValue(r: CompiledRoute, base: unknown, signal: number, position: number, basePosition: number): boolean {
  if (base !== r.seenBase) {
    r.seenBase = base;
    r.holding = false;
  } else if (!r.holding) {
    if (r.takeover === 'jump') r.holding = signal !== r.lastSignal;
    else {
      const now = position - basePosition;
      const before = r.lastPosition - basePosition;
      r.holding = Math.abs(now) <= PICKUP_WINDOW || (now > 0) !== (before > 0);
    }
  }
  r.lastPosition = position;
  r.lastSignal = signal;
  return r.holding;
}

/** One route's output this frame, as a fraction of its target's range. */
export function routeValue(r: CompiledRoute, signal: number, dt: number): number {
  let x = (signal - r.inMin) / r.inSpan; // 0..1
  x = x < 0 ? 0 : x > 1 ? 1 : x;
  if (r.bipolar) x = x * 2 - 1;
  if (r.invert) x = r.bipolar ? -x : 1 - x;
  if (!r.linear) x = applyCurve(r.curve, x, r.bipolar, r.steps);
  const filters = r.filters;
  for (let i = 0; i < filters.length; i++) x = filters[i]!.process(x, dt);
  return x * r.amount + r.offset;
}
