import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { ErrorCode, isVjError } from '../../core/errors.js';
import { HttpError } from '../errors.js';
import { IdParams } from '../protocol.js';
import type { ControlDeps } from '../deps.js';

// Each output type checks its own fields (the same schemas as the show file's outputs).
const OutputBody = Type.Object({ type: Type.String({ minLength: 1 }), id: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,31}$' })) }, { additionalProperties: true });
const OutputPatch = Type.Object({}, { additionalProperties: true });

/** The output manager over HTTP: list, add, configure, start, stop, remove. */
export function outputsApi(api: FastifyInstance, deps: ControlDeps): void {
  const outputs = deps.engine.outputManager;
  const call = async <T>(op: () => Promise<T>): Promise<T> => {
    try {
      return await op();
    } catch (error) {
      if (isVjError(error) && error.code === ErrorCode.OutputUnknown) throw new HttpError(404, error.code, error.message, [`id: ${error.message}`]);
      if (isVjError(error) && error.code === ErrorCode.OutputInvalid) throw new HttpError(400, error.code, error.message, [...error.problems]);
      throw error;
    }
  };

  api.get('/outputs', () => ({ outputs: outputs.list() }));

  api.get('/outputs/:id', { schema: { params: IdParams } }, (request) => call(() => Promise.resolve(outputs.get((request.params as { id: string }).id))));

  // Recording folders are the terminal's choice (the show file, --record): the API may use those, or the default.
  const recordDirs = new Set(['', ...deps.show.outputs.filter((o) => o.type === 'record').map((o) => recordDir(o))]);
  const checkDir = (type: string, fields: Record<string, unknown>): void => {
    if (type === 'record' && 'dir' in fields && !recordDirs.has(String(fields.dir))) {
      throw new HttpError(403, ErrorCode.NeedsTerminal, 'dir: recording folders can only be chosen from the terminal (the show file or --record)', ['dir: recording folders can only be chosen from the terminal']);
    }
  };

  api.post('/outputs', { schema: { body: OutputBody } }, async (request, reply) => {
    const body = request.body as { type: string; id?: string };
    checkDir(body.type, body);
    const id = body.id ?? nextId(body.type, outputs.list().map((o) => o.id));
    const added = await call(() => outputs.add({ ...body, id }));
    return reply.status(201).send(added);
  });

  api.patch('/outputs/:id', { schema: { params: IdParams, body: OutputPatch } }, (request) =>
    call(() => {
      const { id } = request.params as { id: string };
      checkDir(outputs.get(id).type, request.body as Record<string, unknown>);
      return outputs.configure(id, request.body as Record<string, unknown>);
    }),
  );

  api.post('/outputs/:id/start', { schema: { params: IdParams } }, (request) => call(() => outputs.start((request.params as { id: string }).id)));

  api.post('/outputs/:id/stop', { schema: { params: IdParams } }, (request) => call(() => outputs.stop((request.params as { id: string }).id)));

  api.delete('/outputs/:id', { schema: { params: IdParams } }, async (request) => {
    const { id } = request.params as { id: string };
    await call(() => outputs.remove(id));
    return { removed: id };
  });
}

function nextId(type: string, taken: string[]): string {
  if (!taken.includes(type)) return type;
  for (let n = 2; ; n++) if (!taken.includes(`${type}-${n}`)) return `${type}-${n}`;
}

/** A record output's folder as configured ('' for the default). */
export function recordDir(output: Record<string, unknown>): string {
  return typeof output.dir === 'string' ? output.dir : '';
}
