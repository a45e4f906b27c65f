import os from 'node:os';
import path from 'node:path';
import { Type } from '@sinclair/typebox';
import { describeError } from '../core/errors.js';
import { OncePerKind } from '../core/once-per-kind.js';
import type { Log } from '../core/log.js';
import { Param } from '../core/params.js';
import { CueList } from '../presets/cue-list.js';
import { LiveStateKeeper } from '../presets/live-state.js';
import type { Preset } from '../presets/preset.js';
import { PresetPlayer } from '../presets/preset-player.js';
import { PresetStore, type PresetInput } from '../presets/preset-store.js';
import type { Engine } from './engine.js';
import { createDeckStages } from './build-engine.js';
import type { PipelineRegistry } from '../pipelines/registry.js';
import { capProblems, validate } from '../core/validation.js';
import type { PresetsConfig } from './show.js';

export const presetParams = Type.Object(
  {
    morph: Param.number({ default: 0, min: 0, max: 1, unit: 'normalized', label: 'Morph A -> B', description: 'Scrubs between presets A and B.' }),
    a: Type.String({ default: '', maxLength: 100, description: 'Preset A for scrubbing (a name in the current bank).' }),
    b: Type.String({ default: '', maxLength: 100, description: 'Preset B for scrubbing.' }),
  },
  { additionalProperties: false },
);

export interface PresetsHandle {
  store: PresetStore;
  player: PresetPlayer;
  cues: CueList;
  keeper: LiveStateKeeper | null;
  /** Presets by bank, as the frame loop sees them (no disk access on the frame loop). */
  cached(bank: string): Preset[];
  /** Resolves once the presets folder has been read the first time. */
  ready: Promise<void>;
  /** "Capture this look now": every base value and the routes, saved as a preset (written off the frame loop). */
  capture(name: string, options?: { bank?: string; slot?: number; prefix?: string }): Promise<Preset>;
  save(input: PresetInput): Promise<Preset>;
  stop(): void;
}

/**
 * Presets in the running host: the store and its in-memory index, the player in the frame loop, the
 * cue list, actions for OSC/MIDI (`/preset/recall <slot|name>`, `/preset/save <name>`, `/cue/go`,
 * `/cue/next`, `/cue/previous`, `/cue/jump <n>`), the A/B scrub parameters and crash recovery.
 */
/** Where presets live when the show does not say: the user's data folder, not wherever the host was started. */
export function defaultPresetsDir(): string {
  const base = process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(base, 'vj-host', 'presets');
}

export function setupPresets(engine: Engine, configIn: PresetsConfig, log: Log, options: { resume: boolean; registry?: PipelineRegistry }): PresetsHandle {
  const config = { ...configIn, dir: configIn.dir || defaultPresetsDir() };
  const store = new PresetStore(config.dir);
  const stale = store.cleanTemps();
  if (stale) log.info(`removed ${stale} temp file${stale === 1 ? '' : 's'} left by interrupted preset writes`);
  const cache = new Map<string, Preset[]>();
  // The index is read off the frame loop, one reading at a time; the frame loop only ever sees the cache.
  let reading: Promise<void> = Promise.resolve();
  const reindex = (): Promise<void> => {
    reading = reading.then(async () => {
      const { presets, problems } = await store.list();
      cache.clear();
      for (const p of presets) cache.set(p.bank, [...(cache.get(p.bank) ?? []), p]);
      for (const problem of capProblems(problems.map((p) => p.reason))) log.warn(`preset skipped: ${problem}`);
    });
    return reading;
  };
  const ready = reindex();
  const find = (bank: string, key: unknown): Preset | undefined => {
    const list = cache.get(bank) ?? [];
    if (typeof key === 'number') return list.find((p) => p.slot === Math.round(key));
    if (typeof key === 'string') return list.find((p) => p.name === key) ?? (/^\d+$/.test(key) ? list.find((p) => p.slot === Number(key)) : undefined);
    return undefined;
  };

  const scrubValues = { morph: 0, a: '', b: '' };
  engine.params.add('/preset', presetParams, scrubValues);
  const player = new PresetPlayer(engine.params, engine.modulation.matrix);
  engine.addClockListener((clock) => player.frame(clock, engine.params.get('/preset/morph') as number));

  /** Recalls a preset; one that changes a deck's pipelines first builds them off the frame loop, then swaps with a crossfade. */
  const recall = (preset: Preset, override: Partial<Preset['transition']> = {}): void => {
    const changes = deckChanges(engine, preset);
    if (!changes.length) return player.recall(preset, override);
    if (!options.registry) {
      log.warn(`preset "${preset.name}" changes pipelines, which this host was started without; recalling its values only`);
      return player.recall(preset, override);
    }
    const registry = options.registry;
    const transition = { ...preset.transition, ...override };
    const fade = transition.mode === 'instant' ? 0.25 : transition.unit === 'seconds' ? transition.duration : (transition.duration * (transition.unit === 'bars' ? engine.tempo.beatsPerBar : 1) * 60) / engine.tempo.bpm;
    Promise.all(
      changes.map(async ({ id, choice }) => {
        checkChoice(registry, id, choice);
        return { id, stages: await createDeckStages(engine, registry, { id, ...choice }, log) };
      }),
    ).then(
      (built) => {
        for (const { id, stages } of built) {
          const { dropped } = engine.replaceDeck(id, stages, fade);
          if (dropped.length) log.warn(`deck ${id} changed pipelines: routes to parameters it no longer has were dropped (${dropped.join(', ')})`);
        }
        player.recall(preset, override);
      },
      (error: unknown) => log.warn(`preset "${preset.name}" not recalled: ${describeError(error)}`),
    );
  };

  const cues = new CueList(config.cues, (cue) => {
    const preset = find(cue.bank, cue.preset);
    if (preset) recall(preset, cue.transition ?? {});
    else log.warn(`cue "${cue.label ?? cue.preset}": no preset "${cue.preset}" in bank "${cue.bank}"`);
  });

  const missLog = new OncePerKind((_kind, message, { suppressed }) => log.warn(`${message}${suppressed ? ` (+${suppressed} more in the last second)` : ''}`));
  engine.actions.register(
    '/preset/recall',
    { description: `Recalls a preset of bank "${config.bank}" by slot number or name.`, args: [{ name: 'slot or name', kind: 'slot-or-name' }] },
    (args) => {
      const preset = find(config.bank, args[0]);
      if (preset) recall(preset);
      else missLog.note('recall-miss', `preset recall: nothing at ${JSON.stringify(args[0])} in bank "${config.bank}"`);
    },
  );
  engine.actions.register('/preset/save', { description: 'Captures the current look as a preset (name optional).', args: [{ name: 'name', kind: 'string', maxLength: 100, optional: true }] }, (args) => {
    const name = typeof args[0] === 'string' && args[0] ? args[0] : `Look ${new Date().toISOString().slice(0, 19).replace('T', ' ').replace(/:/g, '.')}`;
    handle.capture(name).catch((error: unknown) => log.warn(`preset save refused: ${describeError(error)}`));
  });
  engine.actions.register('/cue/go', { description: 'Fires the next cue.' }, () => cues.go());
  engine.actions.register('/cue/next', { description: 'Fires the next cue.' }, () => cues.go());
  engine.actions.register('/cue/previous', { description: 'Goes back one cue.' }, () => cues.previous());
  engine.actions.register('/cue/jump', { description: 'Fires cue number n (from 0).', args: [{ name: 'n', kind: 'integer', min: 0, max: 9999 }] }, (args) => cues.jump(args[0] as number));

  // Scrubbing: name two presets, then move /preset/morph.
  engine.params.onChange((entry) => {
    if (entry.path === '/preset/a' || entry.path === '/preset/b') {
      player.scrub(find(config.bank, engine.params.base('/preset/a')) ?? null, find(config.bank, engine.params.base('/preset/b')) ?? null);
    }
  });

  const liveParams = (): Record<string, unknown> =>
    Object.fromEntries(engine.params.list().filter((e) => !e.path.startsWith('/preset/')).map((e) => [e.path, e.base]));
  const keeper = config.autosave
    ? new LiveStateKeeper(
        config.dir,
        () => ({ params: liveParams(), routes: [...engine.modulation.matrix.routes()], preset: player.state().current, cue: cues.index }),
        (message) => log.warn(message),
      )
    : null;
  if (keeper) {
    if (options.resume) resume(engine, keeper, cues, log);
    engine.params.onChange(() => keeper.touch());
    engine.modulation.matrix.onChange(() => keeper.touch());
    keeper.start();
  }

  const handle: PresetsHandle = {
    store, player, cues, keeper,
    cached: (bank) => cache.get(bank) ?? [],
    ready,
    async save(input) {
      const preset = await store.save(input);
      await reindex();
      return preset;
    },
    async capture(name, o = {}) {
      const params = Object.fromEntries(Object.entries(liveParams()).filter(([path]) => !o.prefix || path.startsWith(o.prefix)));
      const decks = Object.fromEntries(engine.deckStructure().map(({ id, source, chain }) => [id, { source, chain }]));
      const preset = await handle.save({
        name, bank: o.bank ?? config.bank, params, routes: o.prefix ? undefined : [...engine.modulation.matrix.routes()],
        ...(o.prefix ? {} : { decks }),
        ...(o.slot !== undefined ? { slot: o.slot } : {}),
      });
      log.info(`preset saved: ${preset.bank}/${preset.name}`);
      return preset;
    },
    stop() {
      keeper?.stop();
    },
  };
  return handle;
}

/** Decks whose pipelines the preset names differently from now (checked: unknown pipelines or bad values refuse the change). */
function deckChanges(engine: Engine, preset: Preset): { id: string; choice: NonNullable<Preset['decks']>[string] }[] {
  const current = new Map(engine.deckStructure().map((d) => [d.id, [d.source, ...d.chain].map((r) => r.pipeline).join('>')]));
  return Object.entries(preset.decks ?? {})
    .filter(([id, choice]) => current.has(id) && current.get(id) !== [choice.source, ...choice.chain].map((r) => r.pipeline).join('>'))
    .map(([id, choice]) => ({ id, choice }));
}

/** A preset's pipeline choice, checked against the pipelines' own schemas before anything is built. */
function checkChoice(registry: PipelineRegistry, id: string, choice: NonNullable<Preset['decks']>[string]): void {
  const problems = [choice.source, ...choice.chain].flatMap((ref, i) => {
    const at = i === 0 ? `decks.${id}.source` : `decks.${id}.chain[${i - 1}]`;
    const definition = registry.get(ref.pipeline);
    if (!definition) return [`${at}.pipeline: unknown pipeline "${ref.pipeline}"`];
    if ((i === 0) !== (definition.kind !== 'effect')) return [`${at}.pipeline: "${ref.pipeline}" is of kind ${definition.kind} here`];
    return validate(definition.params, structuredClone(ref.params), `${at}.params`);
  });
  if (problems.length) throw new Error(problems.join('; '));
}

/** A MIDI program change recalls that slot of the current bank, at the next frame. */
export function recallOnProgramChange(router: { onProgramChange(l: (e: { program: number; time: number }) => void): unknown }, engine: Engine): void {
  router.onProgramChange((e) => engine.actions.invoke('/preset/recall', [e.program], e.time));
}

function resume(engine: Engine, keeper: LiveStateKeeper, cues: CueList, log: Log): void {
  const state = keeper.load();
  if (!state) return;
  let applied = 0;
  for (const [path, value] of Object.entries(state.params)) if (engine.params.set(path, value, 'resume').ok) applied++;
  try {
    engine.modulation.matrix.setRoutes(state.routes, 'live state routes');
  } catch (error) {
    log.warn(`live state routes not restored: ${describeError(error)}`);
  }
  cues.restore(state.cue);
  log.info(`resumed the live state saved at ${state.saved}: ${applied} parameters, ${state.routes.length} routes${state.preset ? `, preset "${state.preset}"` : ''}`);
}
