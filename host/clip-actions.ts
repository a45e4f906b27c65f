import type { Log } from '../core/log.js';
import { listClips } from '../pipelines/video/clip-bank.js';
import type { Engine } from './engine.js';

/**
 * `/deck/<id>/clip/next`, `/deck/<id>/clip/previous` and `/deck/<id>/clip/select <n>`: a deck playing a
 * video source moves through the clip bank (the media folder, in the bank's order) from a MIDI pad or an
 * OSC button, which cannot send a file name. The switch is the source's own (crossfaded).
 */
export function registerClipActions(engine: Engine, deckId: string, log: Log): void {
  const path = `/deck/${deckId}/source/source`;
  const move = (pick: (names: string[], at: number) => number): void => {
    if (!engine.params.has(path)) {
      log.warn(`deck ${deckId} plays no video source: no clip to change`);
      return;
    }
    const names = listClips(engine.media.dir).clips.map((c) => c.name);
    if (names.length === 0) {
      log.warn(`deck ${deckId}: no clips in ${engine.media.dir}`);
      return;
    }
    const next = names[pick(names, names.indexOf(engine.params.base(path) as string))];
    if (next !== undefined) engine.params.set(path, next);
  };
  const n = (at: number, count: number) => ((at % count) + count) % count;
  engine.actions.register(`/deck/${deckId}/clip/next`, { description: `Deck ${deckId} plays the next clip of the clip bank (round to the first).` }, () => move((names, at) => n(at + 1, names.length)));
  engine.actions.register(`/deck/${deckId}/clip/previous`, { description: `Deck ${deckId} plays the clip before in the clip bank (round to the last).` }, () => move((names, at) => n(at < 0 ? -1 : at - 1, names.length)));
  engine.actions.register(
    `/deck/${deckId}/clip/select`,
    { description: `Deck ${deckId} plays clip number n of the clip bank (from 0).`, args: [{ name: 'n', kind: 'integer', min: 0, max: 9999 }] },
    (args) => move((names) => Math.min(names.length - 1, args[0] as number)),
  );
}
