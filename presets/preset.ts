import { Type, type Static } from '@sinclair/typebox';
import { RouteSchema } from '../modulators/route.js';
import { BANK_PATTERN, ID_PATTERN } from '../core/limits.js';

export const PRESET_VERSION = 2;

export const Easings = ['linear', 'ease-in', 'ease-out', 'ease-in-out'] as const;
export type Easing = (typeof Easings)[number];

export const TransitionSchema = Type.Object(
  {
    mode: Type.String({ enum: ['instant', 'morph'], default: 'instant' }),
    duration: Type.Number({ minimum: 0, maximum: 600, default: 2, description: 'Morph length, in `unit`.' }),
    unit: Type.String({ enum: ['seconds', 'beats', 'bars'], default: 'seconds' }),
    curve: Type.String({ enum: [...Easings], default: 'ease-in-out' }),
    switchAt: Type.String({ enum: ['start', 'middle', 'end'], default: 'middle', description: 'When switches and choices change during a morph.' }),
    quantize: Type.String({ enum: ['none', 'beat', 'bar'], default: 'none', description: 'Start on the next beat or bar.' }),
  },
  { additionalProperties: false, default: {} },
);
export type Transition = Static<typeof TransitionSchema>;

const PipelineRef = Type.Object(
  { pipeline: Type.String({ minLength: 1 }), params: Type.Record(Type.String(), Type.Unknown(), { default: {} }) },
  { additionalProperties: false },
);

/** Pipeline choices for a deck: recalling them rebuilds the deck off the frame loop and crossfades to it. */
const EffectRef = Type.Object(
  { pipeline: Type.String({ minLength: 1 }), params: Type.Record(Type.String(), Type.Unknown(), { default: {} }), bypass: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

export const DeckChoiceSchema = Type.Object(
  { source: PipelineRef, chain: Type.Array(EffectRef, { default: [], maxItems: 16 }) },
  { additionalProperties: false },
);
export type DeckChoice = Static<typeof DeckChoiceSchema>;

/** A look: parameter values by path (all, or a subset such as one deck), optionally routes, and how to get there. */
export const PresetSchema = Type.Object(
  {
    version: Type.Literal(PRESET_VERSION),
    name: Type.String({ minLength: 1, maxLength: 100 }),
    bank: Type.String({ default: 'default', pattern: BANK_PATTERN }),
    slot: Type.Optional(Type.Integer({ minimum: 0, maximum: 127, description: 'Grid position in its bank; MIDI program change N recalls slot N.' })),
    params: Type.Record(Type.String({ pattern: '^/' }), Type.Unknown()),
    routes: Type.Optional(Type.Array(RouteSchema, { maxItems: 4096 })),
    decks: Type.Optional(Type.Record(Type.String({ pattern: ID_PATTERN }), DeckChoiceSchema, { description: 'Pipeline choices by deck id.' })),
    transition: TransitionSchema,
    tags: Type.Array(Type.String({ maxLength: 40 }), { default: [], maxItems: 32 }),
    created: Type.String({ format: 'date-time' }),
    updated: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type Preset = Static<typeof PresetSchema>;

/**
 * Older files, brought up to date before they are checked. Version 1 kept a bare `morphSeconds`
 * number instead of the transition object.
 */
export function migrate(doc: Record<string, unknown>): Record<string, unknown> {
  if (doc.version === 1) {
    const { morphSeconds, ...rest } = doc;
    const seconds = typeof morphSeconds === 'number' ? morphSeconds : 0;
    return { ...rest, version: 2, transition: seconds > 0 ? { mode: 'morph', duration: seconds, unit: 'seconds' } : { mode: 'instant' } };
  }
  return doc;
}
