import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { writeFileAtomic } from '../../core/atomic-file.js';
import { checkShow, ShowError, type Show, type ShowFile } from '../../host/show.js';
import { showSnapshot } from '../../host/show-snapshot.js';
import { redactUrl } from '../../outputs/ffmpeg/ffmpeg-args.js';
import { HttpError } from '../errors.js';
import { recordDir } from './outputs.js';
import { SHOW_BODY_LIMIT } from '../protocol.js';
import type { ControlDeps } from '../deps.js';
import { ErrorCode } from '../../core/errors.js';

/**
 * Fields that open the host to the network or point it at files and folders: set in the show file or on
 * the command line, never through the API (a page or a tablet must not widen what the host exposes).
 */
const TERMINAL_ONLY = ['control', 'osc.bind', 'osc.allow', 'oscquery.bind', 'presets.dir', 'audio.file', 'audio.device'] as const;
/** What a show saved through the API may ask of the machine at its next start, unless the file asked it already. */
const API_MAX_FPS = 120;
const API_MAX_PIXELS = 3840 * 2160;

/**
 * The show as a document: GET is the show file as the user wrote it (without the command line's
 * overrides) with what changed live — parameters, routes, learned mappings — and stream keys hidden;
 * PUT checks a whole show, every bad field named, and saves it over that file for the next start.
 * A GET→PUT round trip leaves the file as it was, apart from what changed.
 */
export function showApi(api: FastifyInstance, deps: ControlDeps): void {
  const fileShow = (): Show => deps.fileShow ?? deps.show;

  api.get('/show', () => hideSecrets(showSnapshot(fileShow(), deps.engine, deps.midi?.router.mappings.list() ?? [])));

  api.put('/show', { bodyLimit: SHOW_BODY_LIMIT, schema: { body: Type.Object({}, { additionalProperties: true }) } }, async (request) => {
    if (!deps.showFile) throw new HttpError(409, ErrorCode.NoShowFile, 'the host runs the embedded default show; start it with --show <file> to save shows', []);
    const before = fileShow();
    const body = restoreSecrets(structuredClone(request.body) as ShowFile, before);
    let checked: Show;
    try {
      checked = checkShow(body, deps.registry, 'show');
    } catch (error) {
      if (error instanceof ShowError) throw new HttpError(400, error.code, error.message, [...error.problems]);
      throw error;
    }
    const refused = terminalOnlyChanges(before, checked);
    if (refused.length) throw new HttpError(403, ErrorCode.NeedsTerminal, `${refused.join('; ')} (edit the show file or use the command line)`, refused);
    const { frameSize: _frameSize, ...document } = checked;
    await writeFileAtomic(deps.showFile, `${JSON.stringify(document, null, 2)}\n`);
    return { saved: deps.showFile, appliesAt: 'next start' };
  });
}

/** The fields of `after` that only the terminal may change, and how `after` would change them. */
export function terminalOnlyChanges(before: Show, after: Show): string[] {
  const problems: string[] = [];
  for (const path of TERMINAL_ONLY) {
    if (JSON.stringify(at(before, path)) !== JSON.stringify(at(after, path))) problems.push(`${path}: can only be changed from the terminal`);
  }
  const dirs = new Set(before.outputs.filter((o) => o.type === 'record').map((o) => recordDir(o)));
  after.outputs.forEach((o, i) => {
    if (o.type === 'record' && recordDir(o) !== '' && !dirs.has(recordDir(o))) problems.push(`outputs[${i}].dir: recording folders can only be chosen from the terminal`);
  });
  if (after.fps > API_MAX_FPS && after.fps !== before.fps) problems.push(`fps: more than ${API_MAX_FPS} can only be set from the terminal`);
  const pixels = after.frameSize.width * after.frameSize.height;
  if (pixels > API_MAX_PIXELS && after.size !== before.size) problems.push('size: larger than 3840x2160 can only be set from the terminal');
  return problems;
}

function at(doc: object, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), doc);
}

/** Stream URLs carry their key: shown with the key hidden. */
function hideSecrets(doc: ShowFile): ShowFile {
  for (const output of doc.outputs) if (typeof output.url === 'string') output.url = redactUrl(output.url);
  return doc;
}

/** A hidden URL sent back unchanged (a round trip) is the file's own URL again. */
function restoreSecrets(doc: ShowFile, before: ShowFile): ShowFile {
  if (!Array.isArray(doc?.outputs)) return doc;
  const byHidden = new Map(before.outputs.filter((o) => typeof o.url === 'string').map((o) => [redactUrl(String(o.url)), String(o.url)]));
  for (const output of doc.outputs) {
    if (output && typeof output.url === 'string' && byHidden.has(output.url)) output.url = byHidden.get(output.url)!;
  }
  return doc;
}
