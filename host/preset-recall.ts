import { describeError } from '../core/errors.js';
import type { Log } from '../core/log.js';
import { validate } from '../core/validation.js';
import type { Preset } from '../presets/preset.js';
import type { PresetPlayer } from '../presets/preset-player.js';
import type { PipelineRegistry } from '../pipelines/registry.js';
import type { Engine } from './engine.js';
import { createDeckStages } from './deck-stages.js';

export type Recall = (preset: Preset, override?: Partial<Preset['transition']>) => void;

/**
 * Recalls a preset; one that changes a deck's pipelines first builds them off the frame loop, then swaps
 * with a crossfade as long as the preset's transition, then plays its values.
 */
export function presetRecall(engine: Engine, player: PresetPlayer, registry: PipelineRegistry | undefined, log: Log): Recall {
  return (preset, override = {}) => {
    const changes = deckChanges(engine, preset);
    if (!changes.length) return player.recall(preset, override);
    if (!registry) {
      log.warn(`preset "${preset.name}" changes pipelines, which this host was started without; recalling its values only`);
      return player.recall(preset, override);
    }
    const fade = fadeSeconds(engine, { ...preset.transition, ...override });
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
}

/** A transition's length in seconds at the current tempo (an instant recall still fades pipelines a little). */
function fadeSeconds(engine: Engine, transition: Preset['transition']): number {
  if (transition.mode === 'instant') return 0.25;
  if (transition.unit === 'seconds') return transition.duration;
  const beats = transition.duration * (transition.unit === 'bars' ? engine.tempo.beatsPerBar : 1);
  return (beats * 60) / engine.tempo.bpm;
}

/** Decks whose pipelines the preset names differently from now (checked: unknown pipelines or bad values refuse the change). */
function deckChanges(engine: Engine, preset: Preset): { id: string; choice: NonNullable<Preset['decks']>[string] }[] {
  const current = new Map(engine.deckStructure().map((d) => [d.id, [d.source, ...d.chain].map((r) => r.pipeline).join('>')]));
  return Object.entries(preset.decks ?? {})
    .filter(([id, choice]) => current.has(id) && current.get(id) !== [choice.source, ...choice.chain].map((r) => r.pipeline).join('>'))
    .map(([id, choice]) => ({ id, choice }));
}

/** A preset's pipeline choice, checked against the pipelines' own schemas before anything is built. */
export function checkChoice(registry: PipelineRegistry, id: string, choice: NonNullable<Preset['decks']>[string]): void {
  const problems = [choice.source, ...choice.chain].flatMap((ref, i) => {
    const at = i === 0 ? `decks.${id}.source` : `decks.${id}.chain[${i - 1}]`;
    const definition = registry.get(ref.pipeline);
    if (!definition) return [`${at}.pipeline: unknown pipeline "${ref.pipeline}"`];
    if ((i === 0) !== (definition.kind !== 'effect')) return [`${at}.pipeline: "${ref.pipeline}" is of kind ${definition.kind} here`];
    return validate(definition.params, structuredClone(ref.params), `${at}.params`);
  });
  if (problems.length) throw new Error(problems.join('; '));
}
