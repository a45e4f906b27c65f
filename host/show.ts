import fs from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { ErrorCode, VjError, describeError } from '../core/errors.js';
import { parseSize, type Size } from '../core/frame.js';
import { capProblems, jsonDepth, MAX_DEPTH, validate } from '../core/validation.js';
import { mixerParams } from '../pipelines/builtins/mixer.js';
import { envelopeParams } from '../modulators/envelope.js';
import { lfoParams } from '../modulators/lfo.js';
import { OscSection, type OscConfig } from '../inputs/osc/osc-config.js';
import { OscQuerySection, type OscQueryConfig } from '../inputs/oscquery/oscquery-config.js';
import { MidiSection, type MidiConfig } from '../inputs/midi/midi-config.js';
import { AudioSection, type AudioConfig } from '../inputs/audio/audio-config.js';

export type { AudioConfig, MidiConfig, OscConfig, OscQueryConfig };
import { CueSchema } from '../presets/cue-list.js';
import type { PipelineRegistry } from '../pipelines/registry.js';
import { findOutputType, outputTypes } from '../outputs/index.js';
import { BPM_MAX, BPM_MIN, ID_PATTERN } from '../core/limits.js';
import { CLIP_CACHE_MB } from '../pipelines/video/media-options.js';

const PipelineRef = Type.Object(
  {
    pipeline: Type.String({ minLength: 1, description: 'A pipeline id from the registry.' }),
    params: Type.Record(Type.String(), Type.Unknown(), { default: {} }),
  },
  { additionalProperties: false },
);

const EffectRef = Type.Object(
  {
    pipeline: Type.String({ minLength: 1, description: 'An effect pipeline id from the registry.' }),
    params: Type.Record(Type.String(), Type.Unknown(), { default: {} }),
    bypass: Type.Optional(Type.Boolean({ description: 'Starts bypassed (its input passes through); /deck/<id>/fx/<n>/bypass switches it live.' })),
  },
  { additionalProperties: false },
);

const Deck = Type.Object(
  {
    id: Type.String({ pattern: ID_PATTERN, description: 'Used in parameter paths: /deck/<id>/...' }),
    source: PipelineRef,
    chain: Type.Array(EffectRef, { default: [], maxItems: 16 }),
  },
  { additionalProperties: false },
);

// Each output type's own fields are checked against its config schema once the type is known.
const OutputRef = Type.Unsafe<{ type: string; id?: string; [field: string]: unknown }>(
  Type.Object(
    { type: Type.String({ enum: outputTypes.map((t) => t.type) }), id: Type.Optional(Type.String()) },
    { additionalProperties: true },
  ),
);

const ModulationSection = Type.Object(
  {
    lfos: Type.Record(Type.String({ pattern: ID_PATTERN }), Type.Record(Type.String(), Type.Unknown()), {
      default: {},
      description: 'LFO settings by id; lfo1..lfo4 always exist.',
    }),
    envelopes: Type.Record(Type.String({ pattern: ID_PATTERN }), Type.Record(Type.String(), Type.Unknown()), {
      default: {},
      description: 'Envelope settings by id; env1 and env2 always exist.',
    }),
    routes: Type.Array(Type.Unknown(), { default: [], maxItems: 4096, description: 'Modulation routes (checked against the address space when the show is built).' }),
  },
  { additionalProperties: false, default: {} },
);

const PresetsSection = Type.Object(
  {
    dir: Type.String({
      default: '',
      description: 'Presets folder (one JSON file per preset, a folder per bank); empty: $XDG_DATA_HOME/vj-host/presets (~/.local/share/vj-host/presets).',
    }),
    bank: Type.String({ default: 'default', description: 'The bank that slot numbers (MIDI program change, /preset/recall 3) refer to.' }),
    cues: Type.Array(CueSchema, { default: [] }),
    autosave: Type.Boolean({ default: true, description: 'Save the live state at most once a second and resume it after a crash.' }),
  },
  { additionalProperties: false, default: {} },
);

const MediaSection = Type.Object(
  {
    dir: Type.String({
      default: '',
      description: 'The folder video sources play clips from (a source names a file in it); empty: $XDG_DATA_HOME/vj-host/media (~/.local/share/vj-host/media).',
    }),
    clipCacheMB: Type.Integer({
      default: CLIP_CACHE_MB, minimum: 0, maximum: 65536,
      description: 'Clips whose decoded frames fit in this many MB (at the show size) are kept in memory, for frame-exact scrub, reverse and beat sync at no decode cost; longer ones stream from disk, a second at a time. 0: every clip streams.',
    }),
    hwDecode: Type.Boolean({ default: true, description: "Ask ffmpeg for the machine's hardware video decoder (-hwaccel auto); it decodes in software where there is none." }),
  },
  { additionalProperties: false, default: {} },
);

const ControlSection = Type.Object(
  {
    enabled: Type.Boolean({ default: true }),
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080, description: 'Control surface (HTTP, socket.io); 0 picks a free one.' }),
    lan: Type.Boolean({ default: false, description: 'Listen on every interface (tablets) and require the token printed at start.' }),
  },
  { additionalProperties: false, default: {} },
);

export type ControlConfig = Static<typeof ControlSection>;
export type PresetsConfig = Static<typeof PresetsSection>;

/** The show file as written on disk. Parameter and output fields are checked against their own schemas after this. */
export const ShowSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    name: Type.String({ default: 'untitled', maxLength: 200 }),
    fps: Type.Number({ default: 30, minimum: 1, maximum: 240 }),
    size: Type.String({ default: '1280x720', pattern: '^\\d{2,5}[xX]\\d{2,5}$' }),
    bpm: Type.Number({ default: 120, minimum: BPM_MIN, maximum: BPM_MAX }),
    decks: Type.Array(Deck, { minItems: 1, maxItems: 2, description: 'Deck A, and optionally deck B for the mixer.' }),
    mixer: Type.Record(Type.String(), Type.Unknown(), { default: {} }),
    outputs: Type.Array(OutputRef, { default: [] }),
    modulation: ModulationSection,
    osc: OscSection,
    oscquery: OscQuerySection,
    midi: MidiSection,
    audio: AudioSection,
    presets: PresetsSection,
    media: MediaSection,
    gpu: Type.String({ default: 'auto', minLength: 1, maxLength: 200, description: 'Where GPU effects run: auto (any WebGPU adapter), off, or an adapter\'s name.' }),
    control: ControlSection,
  },
  { additionalProperties: false },
);

export type ShowFile = Static<typeof ShowSchema>;
export type DeckConfig = Static<typeof Deck>;

/** A show that passed every check, with defaults filled in and the size parsed. */
export interface Show extends ShowFile {
  frameSize: Size;
}

export class ShowError extends VjError {}

/** Reads and checks a show file; throws a ShowError naming every bad field. */
export function loadShowFile(file: string, registry: PipelineRegistry): Show {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ShowError(ErrorCode.ShowNotFound, `cannot read show file ${file}: ${describeError(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    // V8 refuses very deep JSON with a RangeError: still the file's fault, not the host's.
    throw new ShowError(ErrorCode.ShowNotJson, `show file ${file} is not valid JSON: ${describeError(error)}`);
  }
  return checkShow(json, registry, file);
}

/** Checks a show document (from a file, the API or the embedded default) and fills defaults. */
export function checkShow(input: unknown, registry: PipelineRegistry, label = 'show'): Show {
  if (jsonDepth(input) > MAX_DEPTH) {
    const problem = `(root): nested deeper than ${MAX_DEPTH} levels`;
    throw new ShowError(ErrorCode.ShowInvalid, `${label} is invalid:\n  ${problem}`, [problem]);
  }
  const show = structuredClone(input) as ShowFile;
  const problems = validate(ShowSchema, show);
  if (problems.length === 0) {
    show.decks.forEach((deck, d) => {
      problems.push(...checkPipelineRef(deck.source, `decks[${d}].source`, ['source', 'generator'], registry));
      deck.chain.forEach((ref, i) => problems.push(...checkPipelineRef(ref, `decks[${d}].chain[${i}]`, ['effect'], registry)));
    });
    const ids = show.decks.map((d) => d.id);
    ids.forEach((id, i) => {
      if (ids.indexOf(id) !== i) problems.push(`decks[${i}].id: "${id}" is used by another deck`);
    });
    problems.push(...validate(mixerParams, show.mixer, 'mixer'));
    for (const [id, values] of Object.entries(show.modulation.lfos)) problems.push(...validate(lfoParams, values, `modulation.lfos.${id}`));
    for (const [id, values] of Object.entries(show.modulation.envelopes)) problems.push(...validate(envelopeParams, values, `modulation.envelopes.${id}`));
    show.outputs.forEach((output, i) => {
      const type = findOutputType(String(output.type));
      if (type) problems.push(...validate(type.config, output, `outputs[${i}]`));
      if (typeof output.feed === 'string' && output.feed !== 'main' && !ids.includes(output.feed)) {
        problems.push(`outputs[${i}].feed: no deck "${output.feed}" (decks: ${ids.join(', ')}; or "main")`);
      }
    });
    problems.push(...checkOutputIds(show));
    if (!parseSize(show.size)) problems.push('size: must be WIDTHxHEIGHT with each side 16..8192');
  }
  if (problems.length) {
    const capped = capProblems(problems);
    throw new ShowError(ErrorCode.ShowInvalid, `${label} is invalid:\n  ${capped.join('\n  ')}`, capped);
  }
  return { ...show, frameSize: parseSize(show.size)! };
}

function checkPipelineRef(
  ref: { pipeline: string; params: Record<string, unknown> },
  at: string,
  kinds: string[],
  registry: PipelineRegistry,
): string[] {
  const definition = registry.get(ref.pipeline);
  if (!definition) return [`${at}.pipeline: unknown pipeline "${ref.pipeline}" (known: ${registry.ids().join(', ')})`];
  if (!kinds.includes(definition.kind)) {
    return [`${at}.pipeline: "${ref.pipeline}" is of kind ${definition.kind}; expected ${kinds.join(' or ')}`];
  }
  return validate(definition.params, ref.params, `${at}.params`);
}

function checkOutputIds(show: ShowFile): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  show.outputs.forEach((output, i) => {
    const id = typeof output.id === 'string' ? output.id : outputId(show, i);
    if (seen.has(id)) problems.push(`outputs[${i}].id: "${id}" is used by another output`);
    seen.add(id);
  });
  return problems;
}

/** The id an output goes by: its own, or "<type>" / "<type>-<n>" when several share a type. */
export function outputId(show: ShowFile, index: number): string {
  const output = show.outputs[index]!;
  if (typeof output.id === 'string') return output.id;
  const sameType = show.outputs.filter((o, i) => i < index && o.type === output.type && typeof o.id !== 'string').length;
  return sameType === 0 ? String(output.type) : `${String(output.type)}-${sameType + 1}`;
}
