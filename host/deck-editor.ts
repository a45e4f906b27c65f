import { describeError } from '../core/errors.js';
import type { Log } from '../core/log.js';
import type { PipelineRegistry } from '../pipelines/registry.js';
import type { DeckStructure } from './deck-rack.js';
import { createDeckStages } from './deck-stages.js';
import type { Engine } from './engine.js';
import { checkChoice } from './preset-recall.js';

type EffectRef = DeckStructure['chain'][number];
/** An effect during an edit, with where it was before it (none: new). */
type PlacedEffect = EffectRef & { from?: number };

/** How long a chain edit crossfades from the old chain to the new one. */
export const CHAIN_EDIT_FADE_SECONDS = 0.5;
/** A deck holds at most this many effects (as a show file and a preset may). */
export const MAX_EFFECTS = 16;

export class ChainEditError extends Error {}

/** A new source and/or chain (params left out: the stage's own where the pipeline stays, else defaults). */
export interface ChainChange {
  source?: { pipeline: string; params?: Record<string, unknown> };
  chain?: { pipeline: string; params?: Record<string, unknown>; bypass?: boolean }[];
}

/**
 * Edits a deck's chain while the show runs: add, remove, move and bypass effects, change its source.
 * The new chain is checked, then built off the frame loop (models load, threads start), then swapped in
 * with a crossfade, as a preset recall does; until then the old chain plays. Each stage keeps its
 * settings (and bypass), and the routes onto it, wherever it goes; routes onto a stage that is gone are
 * dropped and named.
 */
export class DeckEditor {
  /** Edits of one deck run one after the other, each on the chain the last one left. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly engine: Engine,
    private readonly registry: PipelineRegistry,
    private readonly log: Log,
  ) {}

  /** The deck's chain as it is. */
  get(id: string): DeckStructure {
    const deck = this.engine.deckStructure().find((d) => d.id === id);
    if (!deck) throw new ChainEditError(`no deck "${id}" (decks: ${this.engine.deckIds().join(', ')})`);
    return deck;
  }

  /** Replaces the source and/or the chain; resolves with the chain as it now plays. */
  set(id: string, change: ChainChange): Promise<DeckStructure> {
    return this.serial(() => this.apply(id, change));
  }

  /** `moves`: where each effect went (old index to new; null: removed), so its routes go with it. */
  private async apply(id: string, change: ChainChange, moves: ReadonlyMap<number, number | null> = new Map()): Promise<DeckStructure> {
    const now = this.get(id);
    const source = change.source ? { pipeline: change.source.pipeline, params: change.source.params ?? (change.source.pipeline === now.source.pipeline ? now.source.params : {}) } : now.source;
    const chain = (change.chain ?? now.chain).map((e) => ({ pipeline: e.pipeline, params: e.params ?? {}, bypass: e.bypass ?? false }));
    if (chain.length > MAX_EFFECTS) throw new ChainEditError(`a deck holds at most ${MAX_EFFECTS} effects`);
    try {
      checkChoice(this.registry, id, { source, chain });
    } catch (error) {
      throw new ChainEditError(describeError(error));
    }
    const stages = await createDeckStages(this.engine, this.registry, { id, source, chain }, this.log);
    const { dropped } = this.engine.replaceDeck(id, stages, CHAIN_EDIT_FADE_SECONDS, moves.size ? movedPath(id, moves) : undefined);
    if (dropped.length) this.log.warn(`deck ${id}: routes to parameters it no longer has were dropped (${dropped.join(', ')})`);
    this.log.info(`deck ${id}: ${[source, ...chain].map((r, i) => (i > 0 && (r as EffectRef).bypass ? `(${r.pipeline})` : r.pipeline)).join(' > ')}`);
    return this.get(id);
  }

  add(id: string, pipeline: string, at?: number): Promise<DeckStructure> {
    return this.edit(id, (chain) => chain.splice(clampIndex(at ?? chain.length, chain.length), 0, { pipeline, params: {}, bypass: false }));
  }

  remove(id: string, index: number): Promise<DeckStructure> {
    return this.edit(id, (chain) => {
      if (!chain[index]) throw new ChainEditError(`deck ${id} has no effect ${index} (it has ${chain.length})`);
      chain.splice(index, 1);
    });
  }

  move(id: string, from: number, to: number): Promise<DeckStructure> {
    return this.edit(id, (chain) => {
      const [moved] = chain.splice(from, 1);
      if (!moved) throw new ChainEditError(`deck ${id} has no effect ${from} (it has ${chain.length + 1})`);
      chain.splice(clampIndex(to, chain.length), 0, moved);
    });
  }

  source(id: string, pipeline: string): Promise<DeckStructure> {
    return this.set(id, { source: { pipeline } });
  }

  private edit(id: string, change: (chain: PlacedEffect[]) => void): Promise<DeckStructure> {
    // Read the chain when this edit's turn comes, not when it was asked for.
    return this.serial(() => {
      const chain: PlacedEffect[] = this.get(id).chain.map((e, from) => ({ ...e, from }));
      const before = chain.length;
      change(chain);
      // Every effect that was there: its new place, or null (removed: its routes go too).
      const places = new Map<number, number | null>(Array.from({ length: before }, (_, from) => [from, null]));
      chain.forEach((e, to) => e.from !== undefined && places.set(e.from, to));
      const moved = [...places].some(([from, to]) => from !== to);
      return this.apply(id, { chain: chain.map(({ from: _from, ...e }) => e) }, moved ? places : new Map());
    });
  }

  private serial<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/**
 * A parameter's address after effects of deck `id` moved: /deck/<id>/fx/<old>/… becomes …/fx/<new>/…;
 * one of a removed effect has none (empty: no parameter has it, so its routes are dropped).
 */
function movedPath(id: string, moves: ReadonlyMap<number, number | null>): (path: string) => string {
  const prefix = `/deck/${id}/fx/`;
  return (path) => {
    if (!path.startsWith(prefix)) return path;
    const rest = path.slice(prefix.length);
    const slash = rest.indexOf('/');
    const to = moves.get(Number(rest.slice(0, slash)));
    if (slash <= 0 || to === undefined) return path;
    return to === null ? '' : `${prefix}${to}${rest.slice(slash)}`;
  };
}

function clampIndex(i: number, length: number): number {
  return Math.max(0, Math.min(length, Math.trunc(i)));
}

const editors = new WeakMap<Engine, DeckEditor>();

/** The engine's one deck editor (the API, OSC and the surface share its queue). */
export function deckEditor(engine: Engine, registry: PipelineRegistry, log: Log): DeckEditor {
  let editor = editors.get(engine);
  if (!editor) editors.set(engine, (editor = new DeckEditor(engine, registry, log)));
  return editor;
}
