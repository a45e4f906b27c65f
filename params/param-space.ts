import type { TSchema } from '@sinclair/typebox';
import { ErrorCode } from '../core/errors.js';
import { describeParams, type ParamInfo } from '../core/params.js';
import { paramKinds, type Coerced } from './kinds.js';

/** A parameter in the one address space: `/deck/a/fx/0/zoom`, `/mixer/crossfade`, `/clock/bpm`. */
export interface ParamEntry {
  path: string;
  info: ParamInfo;
  /** The live values object the owner reads each frame, and the key in it (base + modulation). */
  target: Record<string, unknown>;
  key: string;
  /** The value set by the show, a surface or a preset, before modulation. */
  base: unknown;
  /** True while modulation routes drive `target[key]` (the matrix writes it every frame). */
  modulated: boolean;
}

/** Who asked for a change: a surface tags its changes so feedback is not echoed back to it. */
export type ChangeOrigin = string | null;

export type ChangeListener = (entry: ParamEntry, value: unknown, origin: ChangeOrigin) => void;

export type SetResult =
  | { ok: true; value: unknown; clamped: boolean }
  | { ok: false; code: typeof ErrorCode.ParamUnknown | typeof ErrorCode.ParamInvalid; message: string };

/**
 * Every live parameter by path. Changes from outside are checked and coerced here, then wait in a
 * latest-wins mailbox until the frame loop applies them at the next frame boundary, so a frame
 * never sees half of a change and a flood of changes costs one write per path per frame.
 */
export class ParamSpace {
  private readonly entries = new Map<string, ParamEntry>();
  private readonly pending = new Map<string, unknown>();
  private readonly pendingOrigin = new Map<string, ChangeOrigin>();
  private readonly listeners = new Set<ChangeListener>();
  private readonly namespaceListeners = new Set<() => void>();
  private readonly appliedListeners = new Set<() => void>();

  /** Adds every parameter of `schema` under `prefix` (e.g. "/deck/a/fx/0"), read and written in `target`. */
  add(prefix: string, schema: TSchema, target: Record<string, unknown>): void {
    for (const info of describeParams(schema)) {
      const path = `${prefix}/${info.name}`;
      this.entries.set(path, { path, info, target, key: info.name, base: target[info.name] ?? info.default, modulated: false });
    }
    for (const listener of this.namespaceListeners) listener();
  }

  /** Hears the set of paths change (a deck rebuilt by a preset), for mirrors of the address space. */
  onNamespaceChange(listener: () => void): () => void {
    this.namespaceListeners.add(listener);
    return () => this.namespaceListeners.delete(listener);
  }

  removePrefix(prefix: string): void {
    for (const path of [...this.entries.keys()]) {
      if (path.startsWith(`${prefix}/`)) {
        this.entries.delete(path);
        this.pending.delete(path);
        this.pendingOrigin.delete(path);
      }
    }
    for (const listener of this.namespaceListeners) listener();
  }

  has(path: string): boolean {
    return this.entries.has(path);
  }

  entry(path: string): ParamEntry | undefined {
    return this.entries.get(path);
  }

  list(): ParamEntry[] {
    return [...this.entries.values()];
  }

  /** The value frames are rendered with now, modulation included (pending changes not yet applied). */
  get(path: string): unknown {
    const entry = this.entries.get(path);
    return entry ? entry.target[entry.key] : undefined;
  }

  /** The base value (before modulation). */
  base(path: string): unknown {
    return this.entries.get(path)?.base;
  }

  /** Checks and queues a change of the base value for the next frame. Out-of-range numbers are clamped, not refused. */
  set(path: string, raw: unknown, origin: ChangeOrigin = null): SetResult {
    const entry = this.entries.get(path);
    if (!entry) return { ok: false, code: ErrorCode.ParamUnknown, message: `${path}: no such parameter` };
    const result = coerce(entry.info, raw);
    if (!result.ok) return { ok: false, code: ErrorCode.ParamInvalid, message: `${path}: ${result.message}` };
    this.pending.set(path, result.value);
    this.pendingOrigin.set(path, origin);
    return { ok: true, value: result.value, clamped: result.clamped };
  }

  /**
   * Checks and applies a base-value change at once. Only for the frame loop's own steps (preset
   * morphs run inside the tick, after queued changes were applied); everything from outside uses set().
   */
  setNow(path: string, raw: unknown, origin: ChangeOrigin = null): SetResult {
    const entry = this.entries.get(path);
    // Morphs call this for hundreds of numbers a frame: numbers take a path that allocates nothing.
    if (entry && typeof raw === 'number' && Number.isFinite(raw) && (entry.info.kind === 'number' || entry.info.kind === 'integer')) {
      let v = entry.info.kind === 'integer' ? Math.round(raw) : raw;
      if (entry.info.min !== undefined && v < entry.info.min) v = entry.info.min;
      if (entry.info.max !== undefined && v > entry.info.max) v = entry.info.max;
      if (this.pending.size) {
        this.pending.delete(path);
        this.pendingOrigin.delete(path);
      }
      entry.base = v;
      if (!entry.modulated) entry.target[entry.key] = v;
      for (const listener of this.listeners) listener(entry, v, origin);
      return APPLIED;
    }
    const result = this.set(path, raw, origin);
    if (!result.ok) return result;
    this.pending.delete(path);
    this.pendingOrigin.delete(path);
    const applied = entry!;
    applied.base = result.value;
    if (!applied.modulated) applied.target[applied.key] = result.value;
    for (const listener of this.listeners) listener(applied, result.value, origin);
    return result;
  }

  /** Hears every applied base-value change once, at the frame boundary (for OSC/UI feedback). */
  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Hears the end of each frame's batch of changes (after applyPending), for surfaces that send them together. */
  onApplied(listener: () => void): () => void {
    this.appliedListeners.add(listener);
    return () => this.appliedListeners.delete(listener);
  }

  /** Applies queued changes; called by the frame loop at the start of a tick. Returns how many. */
  applyPending(): number {
    const count = this.pending.size;
    if (count === 0) return 0;
    for (const [path, value] of this.pending) {
      const entry = this.entries.get(path);
      if (!entry) continue;
      entry.base = value;
      if (!entry.modulated) entry.target[entry.key] = value;
      const origin = this.pendingOrigin.get(path) ?? null;
      for (const listener of this.listeners) listener(entry, value, origin);
    }
    this.pending.clear();
    this.pendingOrigin.clear();
    for (const listener of this.appliedListeners) listener();
    return count;
  }
}

const APPLIED: SetResult = Object.freeze({ ok: true, value: undefined, clamped: false });

/** Turns an outside value into the parameter's own type and range (the kind's own rule). */
export function coerce(info: ParamInfo, raw: unknown): Coerced {
  return paramKinds[info.kind].coerce(info, raw);
}
