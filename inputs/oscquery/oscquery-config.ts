import { Type, type Static } from '@sinclair/typebox';

/** The show file's `oscquery` section. */
export const OscQuerySection = Type.Object(
  {
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 9001, description: 'HTTP/WebSocket port; 0 picks a free one.' }),
    bind: Type.String({ default: '127.0.0.1' }),
    enabled: Type.Boolean({ default: true }),
  },
  { additionalProperties: false, default: {} },
);

export type OscQueryConfig = Static<typeof OscQuerySection>;
