import { Type, type Static } from '@sinclair/typebox';
import { MidiMappingSchema } from './midi-mappings.js';

/** The show file's `midi` section. */
export const MidiSection = Type.Object(
  {
    enabled: Type.Boolean({ default: true }),
    inputs: Type.Array(Type.String({ minLength: 1 }), { default: ['*'], description: 'Input ports to open, by name substring; "*" for all.' }),
    mappings: Type.Array(MidiMappingSchema, { default: [], description: 'Controls mapped to switches, choices and actions (knobs on numbers are routes).' }),
  },
  { additionalProperties: false, default: {} },
);

export type MidiConfig = Static<typeof MidiSection>;
