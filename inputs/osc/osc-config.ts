import { Type, type Static } from '@sinclair/typebox';

/** The show file's `osc` section. */
export const OscSection = Type.Object(
  {
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 9000, description: 'UDP port; 0 picks a free one.' }),
    bind: Type.String({ default: '127.0.0.1', description: 'Address to listen on; 0.0.0.0 for tablets on the network.' }),
    allow: Type.Array(Type.String(), { default: [], description: 'Only these sender addresses are heard (empty: everyone who can reach the port).' }),
    feedback: Type.Array(
      Type.Object({ host: Type.String({ minLength: 1 }), port: Type.Integer({ minimum: 1, maximum: 65535 }) }, { additionalProperties: false }),
      { default: [], description: 'Surfaces that receive every parameter change (TouchOSC, Open Stage Control).' },
    ),
    signals: Type.Record(Type.String({ pattern: '^/' }), Type.Tuple([Type.Number(), Type.Number()]), {
      default: {},
      description: 'Declared input ranges of OSC addresses used as signals (otherwise learned from the values seen).',
    }),
    enabled: Type.Boolean({ default: true }),
  },
  { additionalProperties: false, default: {} },
);

export type OscConfig = Static<typeof OscSection>;
