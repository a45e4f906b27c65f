import { Type, type Static } from '@sinclair/typebox';
import { BANK_MAX_LENGTH } from '../core/limits.js';
import type { EngineStats } from '../host/engine-stats.js';
import type { OutputStats } from '../outputs/output-stats.js';
import type { UiHints } from '../core/params.js';
import type { ControlKind } from '../params/kinds.js';
import type { RouteConfig } from '../modulators/route.js';
import type { ParamChoice } from '../pipelines/contract.js';
import type { SignalInfo } from '../modulators/signal-bus.js';
import type { Transition } from '../presets/preset.js';
import type { ClipBank } from '../pipelines/video/clip-bank-types.js';

/**
 * Everything the control surface and the host say to each other, declared once: the REST bodies (checked
 * at the server's edge with these schemas) and the socket.io events, typed for both sides.
 */

/**
 * The largest body any request or socket message may carry, except a whole show (PUT /show). Parsing
 * and checking a body runs on the frame loop's thread, so this bounds what one message costs a frame.
 */
export const BODY_LIMIT = 64 * 1024;
export const SHOW_BODY_LIMIT = 256 * 1024;

export const ParamChanges = Type.Record(Type.String({ pattern: '^/', maxLength: 256 }), Type.Unknown(), {
  maxProperties: 512,
  description: 'Parameter paths and their new values, in the parameters\' own units.',
});
export type ParamChanges = Static<typeof ParamChanges>;

export const PatchParamsBody = Type.Object({ changes: ParamChanges }, { additionalProperties: false });

export const PresetSaveBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    bank: Type.Optional(Type.String({ minLength: 1, maxLength: BANK_MAX_LENGTH })),
    slot: Type.Optional(Type.Integer({ minimum: 0, maximum: 127 })),
    prefix: Type.Optional(Type.String({ pattern: '^/', maxLength: 256, description: 'Only the parameters under this path (a deck).' })),
  },
  { additionalProperties: false },
);

export const PresetRecallBody = Type.Object(
  {
    mode: Type.Optional(Type.String({ enum: ['instant', 'morph'] })),
    duration: Type.Optional(Type.Number({ minimum: 0, maximum: 600 })),
    unit: Type.Optional(Type.String({ enum: ['seconds', 'beats', 'bars'] })),
  },
  { additionalProperties: false },
);

export const LearnBody = Type.Object({ path: Type.String({ pattern: '^/', maxLength: 256 }) }, { additionalProperties: false });

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
export const ChoiceParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }), param: Type.String({ minLength: 1, maxLength: 64 }) });
export const PresetParams = Type.Object({ bank: Type.String({ minLength: 1, maxLength: BANK_MAX_LENGTH }), name: Type.String({ minLength: 1, maxLength: 100 }) });

/** What a client asks to receive over its socket. */
export const Subscription = Type.Object(
  {
    stats: Type.Optional(Type.Boolean()),
    signals: Type.Optional(Type.Union([Type.Null(), Type.Object({ names: Type.Array(Type.String({ maxLength: 256 }), { maxItems: 256 }), rate: Type.Integer({ minimum: 1, maximum: 30 }) }, { additionalProperties: false })])),
    preview: Type.Optional(Type.Union([Type.Null(), Type.Object({
      width: Type.Integer({ minimum: 32, maximum: 1920 }),
      quality: Type.Integer({ minimum: 10, maximum: 95 }),
      fps: Type.Integer({ minimum: 1, maximum: 30 }),
    }, { additionalProperties: false })])),
  },
  { additionalProperties: false },
);
export type Subscription = Static<typeof Subscription>;

export const Action = Type.Object(
  {
    path: Type.String({ pattern: '^/', maxLength: 256 }),
    args: Type.Optional(Type.Array(Type.Union([Type.Number(), Type.String({ maxLength: 256 }), Type.Boolean()]), { maxItems: 8 })),
    at: Type.Optional(Type.Number({ minimum: 0, maximum: 1e12, description: 'When it happened on the client (its performance.now()): taps keep the rhythm of the finger, not of the network.' })),
  },
  { additionalProperties: false },
);
export type Action = Static<typeof Action>;

/** The client's performance.now(), sent as it connects and every second after: the host learns the
 * clocks' offset before the first tap, so the first taps of a freshly opened page keep their rhythm too. */
export const ClockSample = Type.Number({ minimum: 0, maximum: 1e12 });

/** A parameter as a control surface shows it: what it is (from its schema) and where it stands. */
export interface ParamView {
  path: string;
  kind: string;
  /** The control to draw (the kind's own, from params/kinds.ts). */
  control: ControlKind;
  label: string;
  min?: number;
  max?: number;
  step?: number;
  /** A vector's component count. */
  size?: number;
  options?: string[];
  unit?: string;
  description?: string;
  live: boolean;
  modulatable: boolean;
  /** Drawing hints from the schema: an XY pad partner, a soft range, a log fader. */
  ui?: UiHints;
  default: unknown;
  /** Set by a surface, the show or a preset. */
  base: unknown;
  /** What the pipeline reads this frame (base + modulation). */
  value: unknown;
  modulated: boolean;
}

/** The live channel's own counts (the stats' `sections.control`). */
export interface LiveStats {
  clients: number;
  changesReceived: number;
  changesDropped: number;
  refused: number;
  previewsSent: number;
  previewsDropped: number;
}

/** GET /api/stats and the socket's `stats` event. */
export type HostStats = EngineStats;

/** GET /api/outputs: every output of the show, running or not, its config (secrets hidden) and state. */
export interface OutputsResponse {
  outputs: { id: string; type: string; config: Record<string, unknown>; stats: OutputStats }[];
}

/** GET /api/pipelines, as the surface's pipeline browser reads it. */
export interface PipelinesResponse {
  pipelines: { id: string; name: string; kind: 'source' | 'generator' | 'effect'; description: string; origin: string; choices: string[]; categories: string[]; unavailable?: string }[];
}

/** GET /api/pipelines/:id/choices/:param. */
export interface ChoicesResponse {
  choices: ParamChoice[];
}

/** GET /api/clips. */
export type ClipsResponse = ClipBank;

/** A route as GET /api/routes lists it: its settings (the matrix gives every route an id) and its level now (for the meter). */
/** `holding`: an absolute route's control holds the value (false: the value was set another way and waits to be taken back). */
export type RouteView = RouteConfig & { id: string; level: number; holding?: boolean };
export interface RoutesResponse {
  routes: RouteView[];
}

export interface SignalsResponse {
  signals: (SignalInfo & { value: number })[];
}

/** A preset as GET /api/presets lists it (its values counted, not sent). */
export interface PresetSummary {
  name: string;
  bank: string;
  slot: number | null;
  tags: string[];
  transition: Transition;
  params: number;
  updated: string;
}
export interface PresetsResponse {
  presets: PresetSummary[];
  problems: { file: string; reason: string }[];
}

/** A change as clients receive it: the base and the live value. */
export interface ParamUpdate {
  base: unknown;
  value: unknown;
}

export interface ServerToClient {
  /** The full parameter list (on connect and when decks change pipelines). */
  'params:list': (params: ParamView[]) => void;
  /** Coalesced changes since the last message (at most 30 a second), never a client's own. */
  'params:changed': (changes: Record<string, ParamUpdate>) => void;
  /** Live (modulated) values of parameters that routes drive, 15 times a second while they move. */
  'params:live': (values: Record<string, unknown>) => void;
  stats: (stats: HostStats) => void;
  signals: (values: Record<string, number>) => void;
  /** A JPEG of the output, at the size, quality and rate the client asked for; the client acks it (a client still busy with one gets no next). */
  preview: (frame: { index: number; width: number; height: number; jpeg: Uint8Array | ArrayBuffer }, ack: () => void) => void;
  /** A message of the client's that was refused, and why. */
  refused: (reason: { event: string; problems: string[] }) => void;
}

export interface ClientToServer {
  'params:set': (changes: ParamChanges) => void;
  subscribe: (subscription: Subscription) => void;
  action: (action: Action) => void;
  clock: (at: number) => void;
}
