import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { HttpError } from '../errors.js';
import { IdParams, type RoutesResponse } from '../protocol.js';
import type { ControlDeps } from '../deps.js';
import { ErrorCode } from '../../core/errors.js';

// A route's own fields are checked by the matrix (the same checks as the show file's routes).
const RouteBody = Type.Object({}, { additionalProperties: true });

/** Modulation routes: list (with a level per route for meters), add, change, remove. */
export function routesApi(api: FastifyInstance, deps: ControlDeps): void {
  const { matrix } = deps.engine.modulation;

  api.get('/routes', () => {
    const levels = new Map(matrix.routeLevels().map((l) => [l.id, l]));
    return {
      routes: matrix.routes().map((r) => {
        const level = levels.get(r.id!);
        return { ...r, id: r.id!, level: level?.value ?? 0, ...(level?.holding === undefined ? {} : { holding: level.holding }) };
      }),
    } satisfies RoutesResponse;
  });

  api.post('/routes', { schema: { body: RouteBody } }, (request, reply) => {
    const added = matrix.addRoute(request.body);
    if (!added.ok) throw new HttpError(400, ErrorCode.RouteInvalid, added.problems.join('; '), added.problems);
    return reply.status(201).send({ route: added.route });
  });

  api.patch('/routes/:id', { schema: { params: IdParams, body: RouteBody } }, (request) => {
    const { id } = request.params as { id: string };
    if (!matrix.routes().some((r) => r.id === id)) throw new HttpError(404, ErrorCode.RouteUnknown, `no route "${id}"`, [`id: no route "${id}"`]);
    const updated = matrix.updateRoute(id, request.body as Record<string, unknown>);
    if (!updated.ok) throw new HttpError(400, ErrorCode.RouteInvalid, updated.problems.join('; '), updated.problems);
    return { route: updated.route };
  });

  api.delete('/routes/:id', { schema: { params: IdParams } }, (request) => {
    const { id } = request.params as { id: string };
    if (!matrix.removeRoute(id)) throw new HttpError(404, ErrorCode.RouteUnknown, `no route "${id}"`, [`id: no route "${id}"`]);
    return { removed: id };
  });
}
