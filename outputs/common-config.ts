import { Type } from '@sinclair/typebox';
import { ID_PATTERN } from '../core/limits.js';

/**
 * Fields every output type has, declared once and spread into each type's config schema:
 * - `enabled`: start with the show (false: wait for a start from OSC or the API; handy for recording);
 * - `feed`: what it sends, the mixed output (`main`) or one deck's own picture (`a`, `b`).
 */
export function commonOutputFields<T extends string>(type: T) {
  return {
    type: Type.Literal(type),
    id: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,31}$', description: 'Used in OSC/API paths: /output/<id>/start.' })),
    enabled: Type.Boolean({ default: true, description: 'Start with the show; false waits for /output/<id>/start.' }),
    feed: Type.String({ default: 'main', pattern: `^(main|${ID_PATTERN.slice(1, -1)})$`, description: '"main" (the mix) or a deck id.' }),
  };
}

/** "WIDTHxHEIGHT" in an output config (an encoder's own size). */
export const SizeString = Type.String({ pattern: '^\\d{2,5}[xX]\\d{2,5}$' });
