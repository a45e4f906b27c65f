import type { ClockState } from '../core/clock.js';
import { describeError } from '../core/errors.js';
import type { Frame, Size } from '../core/frame.js';
import type { FramePool } from '../core/frame-pool.js';
import { crossfadeInto } from '../core/blend.js';
import type { Log } from '../core/log.js';
import type { ParamSpace } from '../params/param-space.js';
import type { Stage, StageStats } from '../pipelines/stage/stage.js';

export interface EngineDeck {
  id: string;
  /** stages[0] is the deck's source; the rest is its effect chain, in order. */
  stages: Stage[];
  /** A chain being replaced: it keeps rendering and fades out under the new one, then is disposed. */
  fading?: { stages: Stage[]; start: number; seconds: number; frame: Frame };
}

/** A deck's pipelines as a show document names them (ids and current base values). */
export interface DeckStructure {
  id: string;
  source: { pipeline: string; params: Record<string, unknown> };
  chain: { pipeline: string; params: Record<string, unknown> }[];
}

/** The decks the mixer can take (A and B). */
export const MIXED_DECKS = 2;

/** The show's decks: their chains, their parameter paths, and chains swapped live with a fade. */
export class DeckRack {
  private decks: EngineDeck[] = [];
  /** Each deck's picture on the latest tick. */
  readonly frames: (Frame | null)[] = new Array<Frame | null>(MIXED_DECKS).fill(null);

  constructor(
    private readonly size: Size,
    private readonly params: ParamSpace,
    private readonly pool: FramePool,
    private readonly log: Log,
  ) {}

  add(deck: EngineDeck): void {
    this.decks.push(deck);
    this.registerParams(deck);
  }

  /** Starts every stage of a deck over that can (a clip from its in point). */
  retrigger(id: string): void {
    for (const stage of this.decks.find((d) => d.id === id)?.stages ?? []) stage.retrigger();
  }

  ids(): string[] {
    return this.decks.map((d) => d.id);
  }

  /** The deck's place (its feed), or -1 for "main" (the mix). */
  indexOf(feed: string): number {
    if (feed === 'main') return -1;
    const i = this.decks.findIndex((d) => d.id === feed);
    if (i < 0) throw new Error(`feed "${feed}": no such deck (decks: ${this.ids().join(', ')}; or "main")`);
    return i;
  }

  /**
   * Swaps a deck's pipelines between two frames: the new chain takes over the deck's parameter paths
   * and the old one fades out under it over `fadeSeconds` (of show time, from `now`), then is disposed.
   */
  replace(id: string, stages: Stage[], fadeSeconds: number, now: number): void {
    const deck = this.decks.find((d) => d.id === id);
    if (!deck) throw new Error(`no deck "${id}"`);
    if (deck.fading) this.dispose(deck.fading.stages); // a swap during a swap: the oldest goes now
    const frame = deck.fading?.frame ?? this.pool.acquire(this.size.width, this.size.height);
    deck.fading = fadeSeconds > 0 ? { stages: deck.stages, start: now, seconds: fadeSeconds, frame } : undefined;
    if (!deck.fading) {
      this.dispose(deck.stages);
      this.pool.release(frame);
    }
    this.params.removePrefix(`/deck/${id}`);
    deck.stages = stages;
    this.registerParams(deck);
  }

  structure(): DeckStructure[] {
    return this.decks.map((deck) => {
      const refs = deck.stages.map((stage, i) => {
        const prefix = `${stagePrefix(deck.id, i)}/`;
        const params = Object.fromEntries(this.params.list().filter((e) => e.path.startsWith(prefix)).map((e) => [e.key, e.base]));
        return { pipeline: stage.definition.id, params };
      });
      return { id: deck.id, source: refs[0]!, chain: refs.slice(1) };
    });
  }

  /** Renders every mixed deck's chain for this tick into `frames`. */
  render(clock: ClockState): void {
    for (let d = 0; d < this.decks.length && d < MIXED_DECKS; d++) {
      const deck = this.decks[d]!;
      let frame: Frame | null = null;
      for (let s = 0; s < deck.stages.length; s++) frame = deck.stages[s]!.run(frame, clock, this.size);
      if (deck.fading && frame) frame = this.fade(deck, frame, clock);
      this.frames[d] = frame;
    }
  }

  stats(): StageStats[] {
    const stats: StageStats[] = [];
    for (const deck of this.decks) for (const stage of deck.stages) stats.push(stage.stats());
    return stats;
  }

  async disposeAll(): Promise<void> {
    await Promise.allSettled(this.decks.flatMap((d) => [...d.stages, ...(d.fading?.stages ?? [])].map((s) => s.dispose())));
  }

  /** The outgoing chain under the incoming one, crossfaded by show time; the outgoing is disposed at the end. */
  private fade(deck: EngineDeck, incoming: Frame, clock: ClockState): Frame {
    const fading = deck.fading!;
    const progress = (clock.time - fading.start) / fading.seconds;
    if (progress >= 1) {
      this.dispose(fading.stages);
      this.pool.release(fading.frame);
      deck.fading = undefined;
      return incoming;
    }
    let outgoing: Frame | null = null;
    for (let s = 0; s < fading.stages.length; s++) outgoing = fading.stages[s]!.run(outgoing, clock, this.size);
    if (!outgoing) return incoming;
    crossfadeInto(outgoing.data, incoming.data, progress, fading.frame.data);
    fading.frame.index = incoming.index;
    fading.frame.time = incoming.time;
    return fading.frame;
  }

  private registerParams(deck: EngineDeck): void {
    deck.stages.forEach((stage, i) => this.params.add(stagePrefix(deck.id, i), stage.definition.params, stage.params));
  }

  private dispose(stages: Stage[]): void {
    for (const stage of stages) {
      stage.dispose().catch((error: unknown) => this.log.warn({ stage: stage.path, err: describeError(error) }, 'pipeline dispose failed'));
    }
  }
}

/** A stage's parameter prefix: the source is /deck/a/source, effects /deck/a/fx/0, /deck/a/fx/1, ... */
function stagePrefix(deckId: string, index: number): string {
  return index === 0 ? `/deck/${deckId}/source` : `/deck/${deckId}/fx/${index - 1}`;
}
