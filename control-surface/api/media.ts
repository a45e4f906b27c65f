import type { FastifyInstance } from 'fastify';
import { ErrorCode } from '../../core/errors.js';
import { ClipNotFound, clipThumbnail, listClips } from '../../pipelines/video/clip-bank.js';
import type { ClipsResponse } from '../protocol.js';
import { HttpError } from '../errors.js';
import type { ControlDeps } from '../deps.js';
import { Type } from '@sinclair/typebox';

const ClipParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 255 }) });

/** The clip bank: the media folder's clips, each with a thumbnail (made once by ffmpeg, cached). */
export function mediaApi(api: FastifyInstance, deps: ControlDeps): void {
  api.get('/clips', (): ClipsResponse => listClips(deps.engine.media.dir));

  api.get('/clips/:name/thumbnail', { schema: { params: ClipParams } }, async (request, reply) => {
    const { name } = request.params as { name: string };
    try {
      const jpeg = await clipThumbnail(deps.engine.media.dir, name);
      return reply.type('image/jpeg').header('cache-control', 'max-age=3600').send(jpeg);
    } catch (error) {
      if (error instanceof ClipNotFound) throw new HttpError(404, ErrorCode.ClipUnknown, error.message, [`name: ${error.message}`]);
      throw new HttpError(422, ErrorCode.ClipUnreadable, error instanceof Error ? error.message : String(error), []);
    }
  });
}
