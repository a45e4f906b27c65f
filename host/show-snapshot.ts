import type { Engine } from './engine.js';
import type { MidiMapping } from '../inputs/midi/midi-mappings.js';
import type { ShowFile } from './show.js';

/**
 * The running show as a show document: the file it started from, with what was changed live — base
 * values of every parameter, the tempo, modulation routes (learned ones included) and MIDI mappings —
 * so saving it and starting from it again gives the same show.
 */
export function showSnapshot(start: ShowFile, engine: Engine, midiMappings: readonly MidiMapping[] = []): ShowFile {
  // A checked Show carries its parsed size too; the document on disk does not.
  const { frameSize: _frameSize, ...document } = start as ShowFile & { frameSize?: unknown };
  const doc = structuredClone(document);
  const base = (path: string): unknown => engine.params.base(path);
  // The decks as they run now (a preset may have changed their pipelines), with their base values.
  doc.decks = engine.deckStructure().map(({ id, source, chain }) => ({ id, source, chain }));
  for (const entry of engine.params.list()) {
    if (entry.path.startsWith('/mixer/')) doc.mixer[entry.key] = base(entry.path);
    const lfo = /^\/lfo\/([^/]+)\/(.+)$/.exec(entry.path);
    if (lfo) (doc.modulation.lfos[lfo[1]!] ??= {})[lfo[2]!] = base(entry.path);
    const env = /^\/env\/([^/]+)\/(.+)$/.exec(entry.path);
    if (env && env[2] !== 'gate') (doc.modulation.envelopes[env[1]!] ??= {})[env[2]!] = base(entry.path);
  }
  doc.bpm = base('/clock/bpm') as number;
  doc.modulation.routes = structuredClone([...engine.modulation.matrix.routes()]);
  doc.midi.mappings = structuredClone([...midiMappings]);
  return doc;
}
