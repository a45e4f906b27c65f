import { defaultShow } from '../host/default-show.js';
import type { ShowFile } from '../host/show.js';

/**
 * The default show without its model deck: deck A alone (test pattern -> feedback), as the benches that
 * measure something else (outputs, the control surface, allocation per frame) run it, so a model's
 * thread busy on the same cores does not blur what they measure. The frame-loop bench runs the whole show.
 */
export const deckAOnlyShow: ShowFile = { ...defaultShow, decks: defaultShow.decks.slice(0, 1), mixer: { crossfade: 0, mode: 'crossfade' } };
