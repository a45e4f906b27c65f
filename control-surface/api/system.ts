import type { FastifyInstance } from 'fastify';
import { findNdiSources } from '../../ndi/finder.js';
import { loadNdiRuntime } from '../../ndi/runtime.js';
import { listCameras, type CameraList } from '../../pipelines/video/cameras.js';
import { HttpError } from '../errors.js';
import type { Static } from '@sinclair/typebox';
import { Action, ChoiceParams, LearnBody, type ChoicesResponse, type HostStats, type SignalsResponse } from '../protocol.js';
import type { ControlDeps } from '../deps.js';
import { ErrorCode } from '../../core/errors.js';

const startedAt = Date.now();

/** Health, stats, pipelines, signals, actions, MIDI learn, cameras and NDI sources. */
export function systemApi(api: FastifyInstance, deps: ControlDeps): void {
  const { engine } = deps;

  api.get('/health', () => ({ ok: true, version: deps.version, uptimeSeconds: Math.round((Date.now() - startedAt) / 1000), running: engine.stats().running }));

  api.get('/stats', (): HostStats => engine.stats());

  api.get('/pipelines', () => ({ pipelines: deps.registry.list(), failed: deps.registry.failed }));

  api.get('/pipelines/:id/choices/:param', { schema: { params: ChoiceParams } }, async (request): Promise<ChoicesResponse> => {
    const { id, param } = request.params as Static<typeof ChoiceParams>;
    const definition = deps.registry.get(id);
    if (!definition) throw new HttpError(404, ErrorCode.PipelineUnknown, `no pipeline "${id}"`, [`id: no pipeline "${id}"`]);
    const list = definition.choices?.[param];
    if (!list) throw new HttpError(404, ErrorCode.ParamUnknown, `"${id}" lists no values for "${param}"`, [`param: "${id}" lists no values for "${param}"`]);
    return { choices: await list() };
  });

  api.get('/signals', (): SignalsResponse => ({
    signals: engine.modulation.bus.list().map((s) => ({ ...s, value: engine.modulation.bus.valueOf(s.name) ?? 0 })),
  }));

  api.get('/actions', () => ({ actions: engine.actions.list() }));

  api.post('/actions', { schema: { body: Action } }, (request) => {
    const { path, args = [] } = request.body as Action;
    if (!engine.actions.has(path)) throw new HttpError(404, ErrorCode.ActionUnknown, `no action ${path}`, [`path: no action "${path}"`]);
    const queued = engine.actions.request(path, args, performance.now());
    if (!queued.ok && queued.reason === 'busy') throw new HttpError(429, ErrorCode.Busy, queued.problem, []);
    if (!queued.ok) throw new HttpError(400, ErrorCode.ActionInvalid, queued.problem, [`args: ${queued.problem}`]);
    return { queued: path };
  });

  api.post('/learn/midi', { schema: { body: LearnBody } }, (request) => {
    if (!deps.midi) throw new HttpError(409, ErrorCode.MidiOff, 'MIDI is disabled in this show', []);
    const { devices, router } = deps.midi;
    if (devices.state === 'unavailable') throw new HttpError(409, ErrorCode.MidiOff, `the host has no MIDI: ${devices.unavailableReason ?? 'unavailable'}`, []);
    const { path } = request.body as { path: string };
    const armed = router.arm(path);
    if (!armed.ok) throw new HttpError(400, ErrorCode.BadRequest, armed.error, [`path: ${armed.error}`]);
    // Armed either way: a controller plugged in now is found within seconds.
    const hint = devices.ports().length ? 'move a control on the MIDI controller' : 'no MIDI controller is connected: plug one in, then move a control';
    return { armed: path, hint };
  });

  api.delete('/learn/midi', () => {
    deps.midi?.router.cancelLearn();
    return { armed: null };
  });

  api.post('/learn/osc', { schema: { body: LearnBody } }, (request) => {
    if (!deps.osc) throw new HttpError(409, ErrorCode.OscOff, 'OSC is disabled in this show', []);
    const { path } = request.body as { path: string };
    const armed = deps.osc.learn(path);
    if (!armed.ok) throw new HttpError(400, ErrorCode.BadRequest, armed.error, [`path: ${armed.error}`]);
    return { armed: path, hint: 'move a control on the OSC surface' };
  });

  api.delete('/learn/osc', () => {
    deps.osc?.cancelLearn();
    return { armed: null };
  });

  api.get('/cameras', (): Promise<CameraList> => listCameras());

  api.get('/ndi/sources', async () => {
    try {
      return await findNdiSources(loadNdiRuntime(), { waitMs: 1000 });
    } catch (error) {
      throw new HttpError(503, ErrorCode.NdiUnavailable, error instanceof Error ? error.message : String(error), []);
    }
  });
}
