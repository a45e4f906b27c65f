import { Type } from '@sinclair/typebox';
import { Param } from '../core/params.js';
import type { ClockState } from '../core/clock.js';
import { describeError } from '../core/errors.js';
import type { Frame, Size } from '../core/frame.js';
import type { FramePool } from '../core/frame-pool.js';
import { crossfadeInto } from '../core/blend.js';
import type { Log } from '../core/log.js';
import type { ParamSpace } from '../params/param-space.js';
import type { AnyPipelineDefinition } from '../pipelines/contract.js';
import type { Stage, StageStats } from '../pipelines/stage/stage.js';
import { SPECTRUM_BINS } from '../core/limits.js';
import { GpuMixer } from '../pipelines/stage/gpu-mixer.js';
import type { MixerParams } from '../pipelines/builtins/mixer.js';
import { ChainRunner, type AudioSignals, type SegmentReport } from '../pipelines/stage/gpu-chain.js';

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
  chain: { pipeline: string; params: Record<string, unknown>; bypass?: boolean }[];
}

/** The deck's own parameters on each effect stage, beside the pipeline's: `bypass` is reserved for it. */
export const stageControls = Type.Object(
  { bypass: Param.boolean({ default: false, label: 'Bypass', modulatable: false, description: 'The effect is skipped: its input passes through, its settings are kept.' }) },
  { additionalProperties: false },
);

/** The decks the mixer can take (A and B). */
export const MIXED_DECKS = 2;

/** The show's decks: their chains, their parameter paths, and chains swapped live with a fade. */
export class DeckRack {
  private decks: EngineDeck[] = [];
  /** Each deck's picture on the latest tick. */
  readonly frames: (Frame | null)[] = new Array<Frame | null>(MIXED_DECKS).fill(null);
  /** Each chain as it runs (its GPU effects grouped into segments), made when the chain first plays. */
  private readonly chains = new WeakMap<Stage[], ChainRunner>();
  private readonly gpuMixer: GpuMixer;

  constructor(
    private readonly size: Size,
    private readonly params: ParamSpace,
    private readonly pool: FramePool,
    private readonly log: Log,
    private readonly audio: AudioSignals = { fill() {}, spectrum: new Float32Array(SPECTRUM_BINS) },
  ) {
    this.gpuMixer = new GpuMixer(size, log);
  }

  add(deck: EngineDeck): void {
    this.decks.push(deck);
    this.registerParams(deck);
  }

  /** Starts every stage of a deck over that can (a clip from its in point). */
  retrigger(id: string): void {
    for (const stage of this.decks.find((d) => d.id === id)?.stages ?? []) stage.retrigger();
  }

  /** Tells every stage of every deck that a cue fired. */
  cue(): void {
    for (const deck of this.decks) for (const stage of deck.stages) stage.cue();
  }

  ids(): string[] {
    return this.decks.map((d) => d.id);
  }

  /** Each deck's stages as they play now (the source first). */
  stagesOf(): readonly { id: string; stages: readonly Stage[] }[] {
    return this.decks;
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

  /** Stages playing `definition`'s pipeline take its new parameters (a shader plugin saved with other inputs). */
  redefine(definition: AnyPipelineDefinition): void {
    for (const deck of this.decks) {
      if (!deck.stages.some((s) => s.definition.id === definition.id)) continue;
      for (const stage of deck.stages) if (stage.definition.id === definition.id) stage.redefine(definition);
      this.params.removePrefix(`/deck/${deck.id}`);
      this.registerParams(deck);
    }
  }

  structure(): DeckStructure[] {
    return this.decks.map((deck) => {
      const refs = deck.stages.map((stage, i) => {
        const prefix = `${stagePrefix(deck.id, i)}/`;
        const params = Object.fromEntries(this.params.list().filter((e) => e.path.startsWith(prefix) && e.target === stage.params).map((e) => [e.key, e.base]));
        return { pipeline: stage.definition.id, params, ...(i > 0 ? { bypass: stage.controls.bypass } : {}) };
      });
      return { id: deck.id, source: refs[0]!, chain: refs.slice(1) };
    });
  }

  /** Renders every mixed deck's chain for this tick into `frames`. */
  render(clock: ClockState): void {
    for (let d = 0; d < this.decks.length && d < MIXED_DECKS; d++) {
      const deck = this.decks[d]!;
      let frame = this.chainOf(deck.stages).run(clock);
      if (deck.fading && frame) frame = this.fade(deck, frame, clock);
      this.frames[d] = frame;
    }
  }

  /**
   * Decks A and B both ending on the GPU (neither fading): each deck's result stays there and the mixer
   * mixes them on the GPU, reading back once. Returns the mix, or null where the CPU mixes (and nothing
   * has been rendered): a deck ending on the CPU, a fade, no GPU. Deck frames are not kept then.
   */
  renderMixed(clock: ClockState, mixer: MixerParams): Frame | null {
    const [a, b] = this.decks;
    if (!a || !b || a.fading || b.fading) return null;
    const chainA = this.chainOf(a.stages);
    const chainB = this.chainOf(b.stages);
    const device = chainA.gpuEnd();
    if (!device || chainB.gpuEnd() !== device || !this.gpuMixer.readyOn(device)) return null;
    const ra = chainA.runToGpu(clock);
    const rb = chainB.runToGpu(clock);
    if (!ra || !rb) return null;
    this.frames[0] = null;
    this.frames[1] = null;
    // Until the first mix is back, deck A's picture before its GPU effects.
    return this.gpuMixer.run(ra.view, rb.view, mixer, ra.input) ?? ra.input;
  }

  /** Every GPU segment now playing, with its counts and times. */
  gpuSegments(): SegmentReport[] {
    const mix = this.gpuMixer.stats();
    return [...this.decks.flatMap((d) => this.chains.get(d.stages)?.segments() ?? []), ...(mix ? [{ ...mix, stages: ['/mixer'] }] : [])];
  }

  /** Resolves when every GPU readback in flight has come back. */
  async gpuSettled(): Promise<void> {
    const chains = this.decks.flatMap((d) => [d.stages, ...(d.fading ? [d.fading.stages] : [])]).flatMap((s) => this.chains.get(s) ?? []);
    await Promise.all([...chains.map((c) => c.settled()), this.gpuMixer.settled()]);
  }

  stats(): StageStats[] {
    // The segments first: they give each GPU stage its GPU time.
    this.gpuSegments();
    const stats: StageStats[] = [];
    for (const deck of this.decks) for (const stage of deck.stages) stats.push(stage.stats());
    return stats;
  }

  async disposeAll(): Promise<void> {
    this.gpuMixer.dispose();
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
    const outgoing = this.chainOf(fading.stages).run(clock);
    if (!outgoing) return incoming;
    crossfadeInto(outgoing.data, incoming.data, progress, fading.frame.data);
    fading.frame.index = incoming.index;
    fading.frame.time = incoming.time;
    return fading.frame;
  }

  private registerParams(deck: EngineDeck): void {
    deck.stages.forEach((stage, i) => {
      this.params.add(stagePrefix(deck.id, i), stage.definition.params, stage.params);
      // An effect can be bypassed (its input passes through; it keeps its settings); a source cannot.
      if (i > 0) this.params.add(stagePrefix(deck.id, i), stageControls, stage.controls);
    });
  }

  private chainOf(stages: Stage[]): ChainRunner {
    let chain = this.chains.get(stages);
    if (!chain) {
      chain = new ChainRunner(stages, this.size, this.audio);
      this.chains.set(stages, chain);
    }
    return chain;
  }

  private dispose(stages: Stage[]): void {
    this.chains.get(stages)?.dispose();
    this.chains.delete(stages);
    for (const stage of stages) {
      stage.dispose().catch((error: unknown) => this.log.warn({ stage: stage.path, err: describeError(error) }, 'pipeline dispose failed'));
    }
  }
}

/** A stage's parameter prefix: the source is /deck/a/source, effects /deck/a/fx/0, /deck/a/fx/1, ... */
function stagePrefix(deckId: string, index: number): string {
  return index === 0 ? `/deck/${deckId}/source` : `/deck/${deckId}/fx/${index - 1}`;
}
