import { Type } from '@sinclair/typebox';
import { initialClockState, refreshBeat, Tempo, updateClockState, type ClockState } from '../core/clock.js';
import type { FrameDriver, TickInfo } from '../core/driver.js';
import { describeError } from '../core/errors.js';
import type { Frame, Size } from '../core/frame.js';
import { FramePool } from '../core/frame-pool.js';
import { FrameShelf } from '../core/frame-shelf.js';
import type { Log } from '../core/log.js';
import { defaultParams, Param } from '../core/params.js';
import { RateMeter, RollingSamples } from '../core/rolling-stats.js';
import { mixDecks, mixerParams, type MixerParams } from '../pipelines/builtins/mixer.js';
import type { Stage, StageStats } from '../pipelines/stage.js';
import { OUTPUT_START_MS, startWithin, type Output, type OutputStats } from '../outputs/contract.js';
import { ParamSpace } from '../params/param-space.js';
import { OutputManager } from './output-manager.js';
import { ActionSpace } from '../params/actions.js';
import { Modulation, type ModulationConfig } from '../modulators/modulation.js';
import { BPM_MAX, BPM_MIN } from '../core/limits.js';

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

export interface EngineOptions {
  size: Size;
  fps: number;
  bpm: number;
  driver: FrameDriver;
  log: Log;
  pool?: FramePool;
  now?: () => number;
  modulation?: ModulationConfig;
}

export interface EngineStats {
  running: boolean;
  fps: number;
  targetFps: number;
  width: number;
  height: number;
  frames: number;
  /** Ticks the loop skipped because it fell behind (each one a frame the outputs never got). */
  droppedFrames: number;
  frameMs: { last: number; p50: number; p99: number };
  clock: { bpm: number; beat: number; bar: number };
  stages: StageStats[];
  outputs: OutputStats[];
  /** Buffers ever allocated by the frame pool: flat in steady state. */
  poolAllocated: number;
  modulation: { routes: number; signals: number };
  /** Stats of the host's other parts (OSC, OSCQuery, ...), by name. */
  sections: Record<string, unknown>;
}

export const clockParams = Type.Object(
  {
    bpm: Param.number({ default: 120, min: BPM_MIN, max: BPM_MAX, unit: 'bpm', label: 'BPM' }),
    source: Param.enum({
      options: ['internal', 'midi', 'audio'] as const, default: 'internal', label: 'Clock source',
      description: 'Who sets the tempo: the host (BPM, tap), incoming MIDI clock, or the audio beat tracker.',
    }),
  },
  { additionalProperties: false },
);

/**
 * The frame loop: per tick, apply parameter changes -> render every deck's chain -> mix ->
 * hand the frame to every output. It never awaits: slow work lives in decoupled stages and outputs.
 */
export class Engine {
  readonly size: Size;
  readonly fps: number;
  readonly params = new ParamSpace();
  readonly actions = new ActionSpace();
  readonly modulation: Modulation;
  readonly pool: FramePool;
  readonly tempo: Tempo;
  /** The show's outputs, started, stopped and reconfigured at runtime (the engine feeds the live ones). */
  readonly outputManager: OutputManager;
  private readonly driver: FrameDriver;
  private readonly log: Log;
  /** The engine's clock for timing (injectable for tests); stages use it too. */
  readonly now: () => number;
  private decks: EngineDeck[] = [];
  private outputs: Output[] = [];
  /** Why an output given to the engine did not start with the show. */
  private readonly startFailures = new WeakMap<Output, string>();
  /** Per output, in the same order: the deck whose own picture it gets (-1: the mix). */
  private outputFeeds: number[] = [];
  private readonly mixer: MixerParams = defaultParams(mixerParams);
  private readonly clockValues = defaultParams(clockParams);
  private readonly clock: ClockState;
  private readonly mixFrame: Frame;
  private readonly deckFrames: (Frame | null)[] = [null, null];
  private readonly shelf: FrameShelf;
  /** This tick's published frames: [0] the mix, [1 + d] deck d's own picture. */
  private readonly sharedFeeds: (Frame | null)[] = [null, null, null];
  private readonly frameTimes = new RollingSamples(600);
  private readonly tickRate = new RateMeter(512);
  private frames = 0;
  private droppedFrames = 0;
  private outputErrorsLogged = new Set<string>();
  private last: Frame | null = null;
  private running = false;
  private readonly sections = new Map<string, () => unknown>();
  private readonly frameInputs: (() => void)[] = [];
  private readonly clockListeners: ((clock: ClockState) => void)[] = [];
  /** Set by a tap: the frame being rendered lands on the nearest beat. */
  private alignOnBeat = false;
  /** Set by /clock/resync (or MIDI start): the frame being rendered becomes a downbeat. */
  private resyncOnFrame = false;

  constructor(options: EngineOptions) {
    this.size = options.size;
    this.fps = options.fps;
    this.driver = options.driver;
    this.log = options.log;
    this.pool = options.pool ?? new FramePool();
    this.now = options.now ?? (() => performance.now());
    this.tempo = new Tempo(options.bpm);
    this.clockValues.bpm = this.tempo.bpm;
    this.clock = initialClockState(options.fps);
    this.mixFrame = this.pool.acquire(this.size.width, this.size.height);
    this.shelf = new FrameShelf(this.size.width, this.size.height);
    this.params.add('/mixer', mixerParams, this.mixer);
    this.params.add('/clock', clockParams, this.clockValues);
    this.modulation = new Modulation(this.params, options.modulation ?? { lfos: {}, envelopes: {} });
    for (const g of this.modulation.generatorList()) this.params.add(g.paramPrefix, g.params, g.values);
    this.outputManager = new OutputManager(this, this.log.child({ part: 'outputs' }));
    this.registerActions();
  }

  private registerActions(): void {
    this.actions.register('/clock/tap', { description: 'Tap tempo: tap on the beat; two taps set the BPM (median of the last eight).' }, (_args, timeMs) => {
      const bpm = this.modulation.tapTempo.tap(timeMs);
      if (bpm !== null) {
        this.params.set('/clock/bpm', bpm, 'tap');
        this.alignOnBeat = true;
      }
    });
    this.actions.register('/clock/resync', { description: 'Makes this frame a downbeat.' }, () => {
      this.resyncOnFrame = true;
    });
    this.actions.register('/clock/beat', { description: 'A beat just happened (an external tempo source): this frame lands on the nearest beat.' }, () => {
      this.alignOnBeat = true;
    });
    this.actions.register(
      '/clock/nudge',
      { description: 'Shifts the beat by the given number of beats (e.g. 0.05 or -0.05).', args: [{ name: 'beats', kind: 'number', min: -16, max: 16 }] },
      (args) => this.tempo.nudge(args[0] as number),
    );
    for (const [id, env] of this.modulation.envelopes) {
      this.actions.register(`/env/${id}/trigger`, { description: `Plays envelope ${id} once.`, patterns: true }, () => env.trigger());
    }
  }

  setMixer(values: Partial<MixerParams>): void {
    Object.assign(this.mixer, values);
  }

  addDeck(deck: EngineDeck): void {
    this.decks.push(deck);
    this.registerDeckParams(deck);
  }

  private registerDeckParams(deck: EngineDeck): void {
    deck.stages.forEach((stage, i) => {
      this.params.add(i === 0 ? `/deck/${deck.id}/source` : `/deck/${deck.id}/fx/${i - 1}`, stage.definition.params, stage.params);
    });
  }

  /**
   * Swaps a deck's pipelines between two frames: the new chain takes over the deck's parameter paths
   * and the old one fades out under it over `fadeSeconds`, then is disposed. Routes whose target is gone
   * are dropped (and returned, for the log).
   */
  replaceDeck(id: string, stages: Stage[], fadeSeconds: number): { dropped: string[] } {
    const deck = this.decks.find((d) => d.id === id);
    if (!deck) throw new Error(`no deck "${id}"`);
    if (deck.fading) this.disposeStages(deck.fading.stages); // a swap during a swap: the oldest goes now
    const frame = deck.fading?.frame ?? this.pool.acquire(this.size.width, this.size.height);
    deck.fading = fadeSeconds > 0 ? { stages: deck.stages, start: this.clock.time, seconds: fadeSeconds, frame } : undefined;
    if (!deck.fading) {
      this.disposeStages(deck.stages);
      this.pool.release(frame);
    }
    this.params.removePrefix(`/deck/${id}`);
    deck.stages = stages;
    this.registerDeckParams(deck);
    return { dropped: this.modulation.matrix.refresh() };
  }

  deckStructure(): DeckStructure[] {
    return this.decks.map((deck) => {
      const refs = deck.stages.map((stage, i) => {
        const prefix = i === 0 ? `/deck/${deck.id}/source/` : `/deck/${deck.id}/fx/${i - 1}/`;
        const params = Object.fromEntries(this.params.list().filter((e) => e.path.startsWith(prefix)).map((e) => [e.key, e.base]));
        return { pipeline: stage.definition.id, params };
      });
      return { id: deck.id, source: refs[0]!, chain: refs.slice(1) };
    });
  }

  private disposeStages(stages: Stage[]): void {
    for (const stage of stages) {
      stage.dispose().catch((error: unknown) => this.log.warn({ stage: stage.path, err: describeError(error) }, 'pipeline dispose failed'));
    }
  }

  /** Runs `pump` at the start of every tick, before changes are applied (inputs that queue off-thread). */
  addFrameInput(pump: () => void): void {
    this.frameInputs.push(pump);
  }

  /** Runs `listener` every tick right after the clock is updated, before modulation and rendering (preset morphs). */
  addClockListener(listener: (clock: ClockState) => void): void {
    this.clockListeners.push(listener);
  }

  /** Adds a named block to stats() (e.g. "osc"). */
  addStatsSection(name: string, read: () => unknown): void {
    this.sections.set(name, read);
  }

  /** Adds an output fed from the next tick on; `feed` is "main" (the mix) or a deck id. */
  addOutput(output: Output, feed = 'main'): void {
    this.outputs = [...this.outputs, output];
    this.outputFeeds = [...this.outputFeeds, this.deckIndex(feed)];
  }

  /** Why this output did not start with the show, or null. */
  startFailure(output: Output): string | null {
    return this.startFailures.get(output) ?? null;
  }

  /** Stops feeding an output (it is not stopped: whoever removes it does that). */
  removeOutput(output: Output): void {
    const i = this.outputs.indexOf(output);
    if (i < 0) return;
    this.outputs = this.outputs.filter((_, j) => j !== i);
    this.outputFeeds = this.outputFeeds.filter((_, j) => j !== i);
  }

  deckIds(): string[] {
    return this.decks.map((d) => d.id);
  }

  private deckIndex(feed: string): number {
    if (feed === 'main') return -1;
    const i = this.decks.findIndex((d) => d.id === feed);
    if (i < 0) throw new Error(`feed "${feed}": no such deck (decks: ${this.deckIds().join(', ')}; or "main")`);
    return i;
  }

  outputList(): readonly Output[] {
    return this.outputs;
  }

  /** The frame sent to the outputs on the latest tick (valid until the next tick). */
  get lastFrame(): Frame | null {
    return this.last;
  }

  /**
   * Starts the outputs, each on its own and within OUTPUT_START_MS: one that fails or hangs (a recording
   * folder that cannot exist, a device that never answers) is reported with its reason and left out, and
   * the show starts with the rest. Then the frame loop.
   */
  async start(): Promise<void> {
    await Promise.all(
      this.outputs.map(async (output) => {
        const failure = await startWithin(output, OUTPUT_START_MS);
        if (failure === null) return;
        this.startFailures.set(output, failure);
        this.removeOutput(output);
        this.log.error({ output: output.id, err: failure }, `output ${output.id} could not start: ${failure}; the show runs without it`);
        output.stop().catch(() => undefined);
      }),
    );
    this.running = true;
    this.driver.start(this.fps, (tick) => this.tick(tick));
  }

  async stop(): Promise<void> {
    this.driver.stop();
    this.running = false;
    await Promise.allSettled(this.outputs.map((o) => o.stop()));
    await Promise.allSettled(this.decks.flatMap((d) => d.stages.map((s) => s.dispose())));
  }

  tick(info: TickInfo): void {
    const started = this.now();
    this.droppedFrames += info.skipped;
    for (const pump of this.frameInputs) pump();
    // Actions first: a tap may set the BPM, which then lands in this same frame.
    this.actions.applyPending();
    this.params.applyPending();
    this.tempo.bpm = this.clockValues.bpm;
    updateClockState(this.clock, info.frame, info.scheduledMs / 1000, this.fps, this.tempo);
    if (this.alignOnBeat || this.resyncOnFrame) {
      if (this.resyncOnFrame) this.tempo.resync();
      else this.tempo.alignToNearestBeat();
      this.alignOnBeat = this.resyncOnFrame = false;
      refreshBeat(this.clock, this.tempo);
    }
    for (const listener of this.clockListeners) listener(this.clock);
    this.modulation.update(this.clock, info.scheduledMs);

    for (let d = 0; d < this.decks.length && d < 2; d++) {
      const deck = this.decks[d]!;
      let frame: Frame | null = null;
      for (const stage of deck.stages) frame = stage.run(frame, this.clock, this.size);
      if (deck.fading && frame) frame = this.fadeDeck(deck, frame);
      this.deckFrames[d] = frame;
    }
    const a = this.deckFrames[0];
    if (!a) return;
    const final = mixDecks(a, this.deckFrames[1] ?? null, this.mixer, this.mixFrame);
    final.index = this.clock.frame;
    final.time = this.clock.time;
    this.last = final;

    // Outputs that send later get one shared, held copy per feed and tick (kept without copying again);
    // outputs that write during submit get the frame itself.
    const outputs = this.outputs;
    const shared = this.sharedFeeds;
    for (let o = 0; o < outputs.length; o++) {
      const output = outputs[o]!;
      const feed = this.outputFeeds[o]!;
      const source = feed < 0 ? final : this.deckFrames[feed];
      if (!source) continue;
      let frame: Frame = source;
      if (output.holdsFrames) {
        frame = shared[feed + 1] ?? (shared[feed + 1] = this.shelf.publish(source));
      }
      try {
        output.submit(frame);
      } catch (error) {
        // The contract says submit never throws; if one does, it must not take the others down.
        const key = `${output.id}:${describeError(error)}`;
        if (!this.outputErrorsLogged.has(key)) {
          this.outputErrorsLogged.add(key);
          this.log.error({ output: output.id, err: describeError(error) }, 'output threw from submit()');
        }
      }
    }
    for (let i = 0; i < shared.length; i++) {
      shared[i]?.hold?.release();
      shared[i] = null;
    }
    this.frames++;
    const done = this.now();
    this.frameTimes.add(done - started);
    this.tickRate.mark(done);
  }

  /** The outgoing chain under the incoming one, crossfaded by time; the outgoing is disposed at the end. */
  private fadeDeck(deck: EngineDeck, incoming: Frame): Frame {
    const fading = deck.fading!;
    const progress = (this.clock.time - fading.start) / fading.seconds;
    if (progress >= 1) {
      this.disposeStages(fading.stages);
      this.pool.release(fading.frame);
      deck.fading = undefined;
      return incoming;
    }
    let outgoing: Frame | null = null;
    for (const stage of fading.stages) outgoing = stage.run(outgoing, this.clock, this.size);
    if (!outgoing) return incoming;
    return mixDecks(outgoing, incoming, { crossfade: Math.max(0, progress), mode: 'crossfade' }, fading.frame);
  }

  stats(): EngineStats {
    const now = this.now();
    return {
      running: this.running,
      fps: round2(this.tickRate.rate(now, 2000)),
      targetFps: this.fps,
      width: this.size.width,
      height: this.size.height,
      frames: this.frames,
      droppedFrames: this.droppedFrames,
      frameMs: {
        last: round2(this.frameTimes.last()),
        p50: round2(this.frameTimes.percentile(0.5)),
        p99: round2(this.frameTimes.percentile(0.99)),
      },
      clock: { bpm: this.tempo.bpm, beat: round2(this.clock.beat), bar: round2(this.clock.bar) },
      stages: this.decks.flatMap((d) => d.stages.map((s) => s.stats())),
      outputs: this.outputs.map((o) => o.stats()),
      poolAllocated: this.pool.allocated + this.shelf.allocated,
      modulation: { routes: this.modulation.matrix.routes().length, signals: this.modulation.bus.list().length },
      sections: Object.fromEntries([...this.sections].map(([name, read]) => [name, read()])),
    };
  }
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

