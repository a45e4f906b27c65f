/**
 * Units a parameter can declare. The unit decides how a value is shown, how MIDI/OSC input is scaled
 * and how a morph interpolates it (degrees go the short way round).
 */
export const Units = ['ratio', 'normalized', 'degrees', 'pixels', 'hz', 'bpm', 'seconds', 'beats', 'percent', 'decibels', 'count'] as const;
export type Unit = (typeof Units)[number];

/** 0..1 */
export type NormalRange = number;
/** Angle in degrees. */
export type Degrees = number;
/** Seconds of show time. */
export type Seconds = number;
/** Beats per minute. */
export type Bpm = number;
