import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { describeError, ErrorCode } from '../../core/errors.js';
import { HttpError } from '../errors.js';
import { PresetNameError } from '../../presets/preset-store.js';
import { PresetParams, PresetRecallBody, PresetSaveBody, type PresetsResponse } from '../protocol.js';
import type { ControlDeps } from '../deps.js';
import { BANK_MAX_LENGTH } from '../../core/limits.js';

const BankQuery = Type.Object({ bank: Type.Optional(Type.String({ minLength: 1, maxLength: BANK_MAX_LENGTH })), token: Type.Optional(Type.String()) });

/** Presets: list a bank, read one, save the current look, recall (instant or morph), delete. */
export function presetsApi(api: FastifyInstance, deps: ControlDeps): void {
  const presets = (): NonNullable<ControlDeps['presets']> => {
    if (!deps.presets) throw new HttpError(409, ErrorCode.PresetsOff, 'presets are not available in this host', []);
    return deps.presets;
  };

  api.get('/presets', { schema: { querystring: BankQuery } }, async (request) => {
    const { bank } = request.query as { bank?: string };
    let listed;
    try {
      listed = await presets().store.list(bank);
    } catch (error) {
      if (error instanceof PresetNameError) throw new HttpError(400, ErrorCode.PresetInvalid, error.message, [`bank: ${error.message}`]);
      throw error;
    }
    return {
      presets: listed.presets.map((p) => ({ name: p.name, bank: p.bank, slot: p.slot ?? null, tags: p.tags, transition: p.transition, params: Object.keys(p.params).length, updated: p.updated })),
      problems: listed.problems,
    } satisfies PresetsResponse;
  });

  api.get('/presets/:bank/:name', { schema: { params: PresetParams } }, (request) => {
    const { bank, name } = request.params as { bank: string; name: string };
    return load(presets(), bank, name);
  });

  api.post('/presets', { schema: { body: PresetSaveBody } }, async (request, reply) => {
    const { name, ...options } = request.body as { name: string; bank?: string; slot?: number; prefix?: string };
    try {
      const replaced = presets().cached(options.bank ?? deps.show.presets.bank).some((p) => p.name === name);
      const saved = await presets().capture(name, options);
      return reply.status(201).send({ name: saved.name, bank: saved.bank, slot: saved.slot ?? null, params: Object.keys(saved.params).length, replaced });
    } catch (error) {
      if (error instanceof HttpError) throw error;
      throw new HttpError(400, ErrorCode.PresetInvalid, describeError(error), [`name: ${describeError(error)}`]);
    }
  });

  api.post('/presets/:bank/:name/recall', { schema: { params: PresetParams, body: Type.Optional(PresetRecallBody) } }, async (request) => {
    const { bank, name } = request.params as { bank: string; name: string };
    const handle = presets();
    const preset = await load(handle, bank, name);
    handle.player.recall(preset, (request.body ?? {}));
    return { recalling: name, bank };
  });

  // An undo of the last save over this preset: the version it replaced is written back.
  api.post('/presets/:bank/:name/restore', { schema: { params: PresetParams } }, async (request) => {
    const { bank, name } = request.params as { bank: string; name: string };
    const restored = await presets().restore(bank, name);
    if (!restored) throw new HttpError(404, ErrorCode.PresetUnknown, `no earlier version of "${name}" in bank "${bank}" to put back`, [`name: nothing to undo`]);
    return { restored: restored.name, bank: restored.bank };
  });

  api.delete('/presets/:bank/:name', { schema: { params: PresetParams } }, async (request) => {
    const { bank, name } = request.params as { bank: string; name: string };
    const removed = await presets().remove(bank, name).catch((error: unknown) => {
      throw new HttpError(400, ErrorCode.PresetInvalid, describeError(error), [`name: ${describeError(error)}`]);
    });
    if (!removed) throw new HttpError(404, ErrorCode.PresetUnknown, `no preset "${name}" in bank "${bank}"`, [`name: no preset "${name}"`]);
    return { removed: name, bank };
  });
}

async function load(presets: NonNullable<ControlDeps['presets']>, bank: string, name: string) {
  try {
    return await presets.store.load(bank, name);
  } catch (error) {
    const message = describeError(error);
    if (/ENOENT|no such|not found/i.test(message)) throw new HttpError(404, ErrorCode.PresetUnknown, `no preset "${name}" in bank "${bank}"`, [`name: no preset "${name}"`]);
    throw new HttpError(400, ErrorCode.PresetInvalid, message, [`name: ${message}`]);
  }
}
