/**
 * Values more than one room needs, declared once: schemas, checks, the clock and the UI read them here.
 */

/** The tempo range, from the show file to tap tempo and MIDI clock. */
export const BPM_MIN = 20;
export const BPM_MAX = 300;
export const DEFAULT_BEATS_PER_BAR = 4;

/** A colour as every parameter, file and message carries it. */
export const COLOR_PATTERN = '^#[0-9a-fA-F]{6}$';
export const COLOR = new RegExp(COLOR_PATTERN);

/** Deck, LFO and envelope ids: they appear in parameter paths (/deck/<id>/...). */
export const ID_PATTERN = '^[a-z][a-z0-9_-]{0,15}$';

/** Preset banks: a folder each, so a name a file system takes everywhere. */
export const BANK_MAX_LENGTH = 40;
export const BANK_PATTERN = `^[A-Za-z0-9][A-Za-z0-9 _-]{0,${BANK_MAX_LENGTH - 1}}$`;

/** A route's amount, as a fraction of its target's range (negative inverts). */
export const ROUTE_AMOUNT_MAX = 4;

/** Bins of the audio spectrum the analyser publishes and shaders read (a 64x1 texture), log-spaced. */
export const SPECTRUM_BINS = 64;
