import type { FastifyInstance } from 'fastify';
import { paramKinds } from '../../params/kinds.js';
import { coerce } from '../../params/param-space.js';
import { HttpError } from '../errors.js';
import { PatchParamsBody, type ParamChanges, type ParamView } from '../protocol.js';
import type { ControlDeps } from '../deps.js';
import { RateLimiter } from '../rate-limit.js';
import { ErrorCode } from '../../core/errors.js';

/** The parameter tree as a surface shows it. */
export function paramViews(deps: ControlDeps): ParamView[] {
  return deps.engine.params.list().map((e) => ({
    path: e.path,
    kind: e.info.kind,
    control: paramKinds[e.info.kind].control,
    label: e.info.label ?? e.info.name,
    ...(e.info.min !== undefined ? { min: e.info.min } : {}),
    ...(e.info.max !== undefined ? { max: e.info.max } : {}),
    ...(e.info.step !== undefined ? { step: e.info.step } : {}),
    ...(e.info.size !== undefined ? { size: e.info.size } : {}),
    ...(e.info.options ? { options: e.info.options } : {}),
    ...(e.info.unit ? { unit: e.info.unit } : {}),
    ...(e.info.description ? { description: e.info.description } : {}),
    ...(e.info.ui ? { ui: e.info.ui } : {}),
    live: e.info.live,
    modulatable: e.info.modulatable,
    default: e.info.default,
    base: e.base,
    value: e.target[e.key],
    modulated: e.modulated,
  }));
}

/**
 * Checks every change first and applies them only if all are good: a bad value or an unknown path is
 * a 400 naming it, and nothing of that request is applied. Applied changes land at the next frame.
 */
export function applyChanges(deps: ControlDeps, changes: ParamChanges, origin: string): { applied: Record<string, unknown>; clamped: string[] } {
  const { params } = deps.engine;
  const problems: string[] = [];
  for (const [path, value] of Object.entries(changes)) {
    const entry = params.entry(path);
    if (!entry) {
      problems.push(`changes["${path}"]: no such parameter`);
      continue;
    }
    const checked = coerce(entry.info, value);
    if (!checked.ok) problems.push(`changes["${path}"]: ${checked.message}`);
  }
  if (problems.length) throw new HttpError(400, ErrorCode.ParamInvalid, problems.join('; '), problems);
  const applied: Record<string, unknown> = {};
  const clamped: string[] = [];
  for (const [path, value] of Object.entries(changes)) {
    const result = params.set(path, value, origin);
    if (result.ok) {
      applied[path] = result.value;
      if (result.clamped) clamped.push(path);
    }
  }
  return { applied, clamped };
}

export function paramsApi(api: FastifyInstance, deps: ControlDeps, limits: { changesPerSecond: number }): void {
  const limiter = new RateLimiter(limits.changesPerSecond);

  api.get('/params', () => ({ params: paramViews(deps) }));

  api.get('/params/*', (request) => {
    const path = `/${(request.params as { '*': string })['*']}`;
    const view = paramViews(deps).find((p) => p.path === path);
    if (!view) throw new HttpError(404, ErrorCode.ParamUnknown, `no parameter ${path}`, [`path: no parameter "${path}"`]);
    return view;
  });

  api.patch('/params', { schema: { body: PatchParamsBody } }, (request) => {
    const { changes } = request.body as { changes: ParamChanges };
    const count = Object.keys(changes).length;
    if (!limiter.take(`http:${request.ip}`, count)) {
      throw new HttpError(429, ErrorCode.RateLimited, `more than ${limits.changesPerSecond} parameter changes a second from this client; these were dropped`, []);
    }
    return applyChanges(deps, changes, `http:${request.ip}`);
  });
}
