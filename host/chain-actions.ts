import { describeError } from '../core/errors.js';
import type { Log } from '../core/log.js';
import type { PipelineRegistry } from '../pipelines/registry.js';
import { deckEditor } from './deck-editor.js';
import type { Engine } from './engine.js';

/**
 * A deck's chain edited over OSC (and MIDI, the API's actions): `/deck/<id>/chain/add <pipeline>`,
 * `/deck/<id>/chain/remove <n>`, `/deck/<id>/chain/move <from> <to>`, `/deck/<id>/chain/source <pipeline>`.
 * Bypass is each effect's own parameter, `/deck/<id>/fx/<n>/bypass`.
 */
export function registerChainActions(engine: Engine, registry: PipelineRegistry, deckId: string, log: Log): void {
  const editor = deckEditor(engine, registry, log);
  const report = (what: string) => (error: unknown) => log.warn(`deck ${deckId}: ${what} refused: ${describeError(error)}`);
  const index = { kind: 'integer', min: 0, max: 15 } as const;
  const base = `/deck/${deckId}/chain`;
  engine.actions.register(`${base}/add`, { description: `Adds an effect at the end of deck ${deckId}'s chain (built off the frame loop, crossfaded in).`, args: [{ name: 'pipeline', kind: 'string', maxLength: 64 }] },
    (args) => void editor.add(deckId, String(args[0])).catch(report('adding an effect')));
  engine.actions.register(`${base}/remove`, { description: `Removes effect n of deck ${deckId}'s chain (from 0).`, args: [{ name: 'n', ...index }] },
    (args) => void editor.remove(deckId, args[0] as number).catch(report('removing an effect')));
  engine.actions.register(`${base}/move`, { description: `Moves effect <from> of deck ${deckId}'s chain to place <to>.`, args: [{ name: 'from', ...index }, { name: 'to', ...index }] },
    (args) => void editor.move(deckId, args[0] as number, args[1] as number).catch(report('moving an effect')));
  engine.actions.register(`${base}/source`, { description: `Changes deck ${deckId}'s source pipeline.`, args: [{ name: 'pipeline', kind: 'string', maxLength: 64 }] },
    (args) => void editor.source(deckId, String(args[0])).catch(report('changing the source')));
}
