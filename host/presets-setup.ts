import { PresetWrites } from '../presets/preset-writes.js';
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
import { presetRecall, type Recall } from './preset-recall.js';
import { PresetIndex } from '../presets/preset-index.js';
import type { PipelineRegistry } from '../pipelines/registry.js';
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
  /** Deletes a preset; false where there was none. */
  remove(bank: string, name: string): Promise<boolean>;
  /** Puts back the version of a preset that the last save over it replaced (an undo); null where none is kept. */
  restore(bank: string, name: string): Promise<Preset | null>;
  /** Goes up with every save and delete: a surface that sees it move reads the list again. */
  readonly revision: number;
  stop(): void;
}

/** Where presets live when the show does not say: the user's data folder, not wherever the host was started. */
export function defaultPresetsDir(): string {
  const base = process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(base, 'vj-host', 'presets');
}

/**
 * Presets in the running host: the store and its in-memory index, the player in the frame loop, the
 * cue list, actions for OSC/MIDI (`/preset/recall <slot|name>`, `/preset/save <name>`, `/cue/go`,
 * `/cue/next`, `/cue/previous`, `/cue/jump <n>`), the A/B scrub parameters and crash recovery.
 */
export function setupPresets(engine: Engine, configIn: PresetsConfig, log: Log, options: { resume: boolean; registry?: PipelineRegistry }): PresetsHandle {
  const config = { ...configIn, dir: configIn.dir || defaultPresetsDir() };
  const store = new PresetStore(config.dir);
  const stale = store.cleanTemps();
  if (stale) log.info(`removed ${stale} temp file${stale === 1 ? '' : 's'} left by interrupted preset writes`);
  const index = new PresetIndex(store, log);
  const ready = index.reindex();
  const scrubValues = { morph: 0, a: '', b: '' };
  engine.params.add('/preset', presetParams, scrubValues);
  const player = new PresetPlayer(engine.params, engine.modulation.matrix, (path) => engine.secondsAhead(path));
  engine.addClockListener((clock) => player.frame(clock, engine.params.get('/preset/morph') as number));
  const recall = presetRecall(engine, player, options.registry, log);
  const cues = new CueList(config.cues, (cue) => {
    const preset = index.find(cue.bank, cue.preset);
    if (preset) recall(preset, cue.transition ?? {});
    else log.warn(`cue "${cue.label ?? cue.preset}": no preset "${cue.preset}" in bank "${cue.bank}"`);
    engine.cueFired();
  });
  // Scrubbing: name two presets, then move /preset/morph.
  engine.params.onChange((entry) => {
    if (entry.path !== '/preset/a' && entry.path !== '/preset/b') return;
    player.scrub(index.find(config.bank, engine.params.base('/preset/a')) ?? null, index.find(config.bank, engine.params.base('/preset/b')) ?? null);
  });
  const keeper = config.autosave ? keepLiveState(engine, config.dir, player, cues, log, options.resume) : null;
  const writes = new PresetWrites(store, index, config.bank);
  const handle: PresetsHandle = {
    store, player, cues, keeper, ready,
    cached: (bank) => index.bank(bank),
    save: (input) => writes.save(input),
    remove: (bank, name) => writes.remove(bank, name),
    restore: (bank, name) => writes.restore(bank, name),
    get revision() {
      return writes.revision;
    },
    capture: (name, o = {}) => capture(engine, handle, config.bank, log, name, o),
    stop() {
      keeper?.stop();
    },
  };
  registerPresetActions(engine, config.bank, index, recall, cues, handle, log);
  engine.addStatsSection('presets', () => ({ current: player.state().current, revision: writes.revision, cue: cues.index, cues: cues.list().map((c) => c.label ?? c.preset) }));
  return handle;
}

/** The base values of the show's parameters (the preset controls themselves aside). */
function liveParams(engine: Engine): Record<string, unknown> {
  return Object.fromEntries(engine.params.list().filter((e) => !e.path.startsWith('/preset/')).map((e) => [e.path, e.base]));
}

/** "Capture this look now": every base value, the routes and the decks' pipelines (or one deck's values), saved as a preset. */
async function capture(engine: Engine, handle: PresetsHandle, bank: string, log: Log, name: string, o: { bank?: string; slot?: number; prefix?: string }): Promise<Preset> {
  const params = Object.fromEntries(Object.entries(liveParams(engine)).filter(([path]) => !o.prefix || path.startsWith(o.prefix)));
  const decks = Object.fromEntries(engine.deckStructure().map(({ id, source, chain }) => [id, { source, chain }]));
  const preset = await handle.save({
    name, bank: o.bank ?? bank, params, routes: o.prefix ? undefined : [...engine.modulation.matrix.routes()],
    ...(o.prefix ? {} : { decks }),
    ...(o.slot !== undefined ? { slot: o.slot } : {}),
  });
  log.info(`preset saved: ${preset.bank}/${preset.name}`);
  return preset;
}

/** Crash recovery: the live state kept on disk as it changes, and resumed at start when asked. */
function keepLiveState(engine: Engine, dir: string, player: PresetPlayer, cues: CueList, log: Log, resumeNow: boolean): LiveStateKeeper {
  const keeper = new LiveStateKeeper(
    dir,
    () => ({ params: liveParams(engine), routes: [...engine.modulation.matrix.routes()], preset: player.state().current, cue: cues.index }),
    (message) => log.warn(message),
  );
  if (resumeNow) resume(engine, keeper, cues, log);
  engine.params.onChange(() => keeper.touch());
  engine.modulation.matrix.onChange(() => keeper.touch());
  keeper.start();
  return keeper;
}

/** `/preset/recall <slot|name>`, `/preset/save <name>`, `/cue/go`, `/cue/next`, `/cue/previous`, `/cue/jump <n>`. */
function registerPresetActions(engine: Engine, bank: string, index: PresetIndex, recall: Recall, cues: CueList, handle: PresetsHandle, log: Log): void {
  const missLog = new OncePerKind((_kind, message, { suppressed }) => log.warn(`${message}${suppressed ? ` (+${suppressed} more in the last second)` : ''}`));
  engine.actions.register(
    '/preset/recall',
    { description: `Recalls a preset of bank "${bank}" by slot number or name.`, args: [{ name: 'slot or name', kind: 'slot-or-name' }] },
    (args) => {
      const preset = index.find(bank, args[0]);
      if (preset) recall(preset);
      else missLog.note('recall-miss', `preset recall: nothing at ${JSON.stringify(args[0])} in bank "${bank}"`);
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
