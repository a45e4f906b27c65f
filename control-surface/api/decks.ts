import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { ErrorCode } from '../../core/errors.js';
import type { Log } from '../../core/log.js';
import { ChainEditError, deckEditor, MAX_EFFECTS } from '../../host/deck-editor.js';
import type { DeckStructure } from '../../host/deck-rack.js';
import { HttpError } from '../errors.js';
import { IdParams } from '../protocol.js';
import type { ControlDeps } from '../deps.js';

const Ref = Type.Object({ pipeline: Type.String({ minLength: 1, maxLength: 64 }), params: Type.Optional(Type.Record(Type.String(), Type.Unknown())) }, { additionalProperties: false });
const EffectRef = Type.Object({ pipeline: Type.String({ minLength: 1, maxLength: 64 }), params: Type.Optional(Type.Record(Type.String(), Type.Unknown())), bypass: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
const ChainBody = Type.Object({ source: Type.Optional(Ref), chain: Type.Optional(Type.Array(EffectRef, { maxItems: MAX_EFFECTS })) }, { additionalProperties: false });
const AddBody = Type.Object({ pipeline: Type.String({ minLength: 1, maxLength: 64 }), at: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_EFFECTS })) }, { additionalProperties: false });
const IndexParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }), index: Type.String({ pattern: '^\\d{1,2}$' }) });
const MoveBody = Type.Object({ to: Type.Integer({ minimum: 0, maximum: MAX_EFFECTS - 1 }) }, { additionalProperties: false });

/**
 * Decks' chains, edited live: GET /decks, GET|PUT /decks/<id> (source and/or chain), POST /decks/<id>/chain
 * (add), DELETE /decks/<id>/chain/<n>, POST /decks/<id>/chain/<n>/move. The answer comes once the new chain
 * is built and swapped in; a chain that does not check is refused whole, naming what is wrong.
 */
export function decksApi(api: FastifyInstance, deps: ControlDeps, log: Log): void {
  const editor = deckEditor(deps.engine, deps.registry, log);
  const call = async (run: () => Promise<DeckStructure> | DeckStructure): Promise<DeckStructure> => {
    try {
      return await run();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (/^no deck /.test(message)) throw new HttpError(404, ErrorCode.DeckUnknown, message, [`id: ${message}`]);
      if (error instanceof ChainEditError) throw new HttpError(400, ErrorCode.ChainInvalid, message, message.split('; '));
      throw error;
    }
  };
  api.get('/decks', () => ({ decks: deps.engine.deckStructure() }));
  api.get('/decks/:id', { schema: { params: IdParams } }, (request) => call(() => editor.get((request.params as { id: string }).id)));
  api.put('/decks/:id', { schema: { params: IdParams, body: ChainBody } }, (request) => call(() => editor.set((request.params as { id: string }).id, request.body as Parameters<typeof editor.set>[1])));
  api.post('/decks/:id/chain', { schema: { params: IdParams, body: AddBody } }, (request) => {
    const { pipeline, at } = request.body as { pipeline: string; at?: number };
    return call(() => editor.add((request.params as { id: string }).id, pipeline, at));
  });
  api.delete('/decks/:id/chain/:index', { schema: { params: IndexParams } }, (request) => {
    const { id, index } = request.params as { id: string; index: string };
    return call(() => editor.remove(id, Number(index)));
  });
  api.post('/decks/:id/chain/:index/move', { schema: { params: IndexParams, body: MoveBody } }, (request) => {
    const { id, index } = request.params as { id: string; index: string };
    return call(() => editor.move(id, Number(index), (request.body as { to: number }).to));
  });
}
