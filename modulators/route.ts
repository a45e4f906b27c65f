import { Type, type Static } from '@sinclair/typebox';
import { Curves } from './curves.js';
import { FilterSettings } from './filters.js';
import { ROUTE_AMOUNT_MAX } from '../core/limits.js';

export const CombineModes = ['add', 'max', 'last'] as const;
export type CombineMode = (typeof CombineModes)[number];

/** How an absolute route takes the value back after it was set another way (the surface, a preset, OSC to the parameter). */
export const TakeoverModes = ['pickup', 'jump'] as const;
export type TakeoverMode = (typeof TakeoverModes)[number];

/**
 * A route: source signal -> input range -> invert -> curve -> filters -> amount/offset -> target.
 * amount and offset are fractions of the target parameter's range, so one route works on any parameter.
 */
export const RouteSchema = Type.Object(
  {
    id: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' })),
    source: Type.String({ minLength: 1, maxLength: 300, description: 'Signal name, e.g. "lfo1:out", "clock:beat", "osc:/1/fader3".' }),
    target: Type.String({ pattern: '^/', maxLength: 300, description: 'Parameter path, e.g. "/deck/a/fx/0/zoom".' }),
    amount: Type.Number({ minimum: -ROUTE_AMOUNT_MAX, maximum: ROUTE_AMOUNT_MAX, default: 1, description: 'Fraction of the parameter range; negative inverts the direction.' }),
    offset: Type.Number({ minimum: -1, maximum: 1, default: 0, description: 'Added after amount, as a fraction of the range.' }),
    curve: Type.String({ enum: [...Curves], default: 'linear' }),
    steps: Type.Integer({ minimum: 2, maximum: 64, default: 4, description: 'For the stepped curve.' }),
    inputRange: Type.Optional(Type.Tuple([Type.Number(), Type.Number()], { description: 'Signal values mapped to 0..1 (or -1..1 for bipolar signals).' })),
    invert: Type.Boolean({ default: false }),
    filters: Type.Array(FilterSettings, { default: [], maxItems: 8 }),
    combine: Type.String({ enum: [...CombineModes], default: 'add', description: 'How this route folds into earlier routes on the same target.' }),
    absolute: Type.Boolean({
      default: false,
      description: 'The signal sets the position in the range itself (a learned knob) instead of adding to the base value.',
    }),
    takeover: Type.String({
      enum: [...TakeoverModes],
      default: 'pickup',
      description:
        'An absolute route, once the value was set another way: pickup waits until the control passes through the value (no jump), jump takes it at the control\'s next move.',
    }),
    enabled: Type.Boolean({ default: true }),
  },
  { additionalProperties: false },
);

export type RouteConfig = Static<typeof RouteSchema>;
