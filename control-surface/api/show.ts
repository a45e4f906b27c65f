import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { writeFileAtomic } from '../../core/atomic-file.js';
import { checkShow, ShowError } from '../../host/show.js';
import { showSnapshot } from '../../host/show-snapshot.js';
import { HttpError } from '../errors.js';
import { SHOW_BODY_LIMIT } from '../protocol.js';
import type { ControlDeps } from '../server.js';

/**
 * The show as a document: GET is the running show (live changes, learned routes and mappings included);
 * PUT checks a whole show — every bad field named — and saves it over the file the host started from,
 * for the next start (a running show is changed through params, routes, outputs and presets).
 */
export function showApi(api: FastifyInstance, deps: ControlDeps): void {
  api.get('/show', () => showSnapshot(deps.show, deps.engine, deps.midi?.router.mappings.list() ?? []));

  api.put('/show', { bodyLimit: SHOW_BODY_LIMIT, schema: { body: Type.Object({}, { additionalProperties: true }) } }, (request) => {
    let checked;
    try {
      checked = checkShow(request.body, deps.registry, 'show');
    } catch (error) {
      if (error instanceof ShowError) throw new HttpError(400, error.code, error.message, [...error.problems]);
      throw error;
    }
    if (!deps.showFile) throw new HttpError(409, 'VJ_NO_SHOW_FILE', 'the host runs the embedded default show; start it with --show <file> to save shows', []);
    const { frameSize: _frameSize, ...document } = checked;
    writeFileAtomic(deps.showFile, `${JSON.stringify(document, null, 2)}\n`);
    return { saved: deps.showFile, appliesAt: 'next start' };
  });
}
