import type { ClockState } from '../core/clock.js';
import type { FrameDriver, TickInfo } from '../core/driver.js';
import type { Frame, Size } from '../core/frame.js';
import { FramePool } from '../core/frame-pool.js';
import type { Log } from '../core/log.js';
import { defaultParams } from '../core/params.js';
import { RateMeter, RollingSamples } from '../core/rolling-stats.js';
import { mixDecks, mixerParams, type MixerParams } from '../pipelines/builtins/mixer.js';
import type { Stage } from '../pipelines/stage/stage.js';
import type { AnyPipelineDefinition, MediaOptions } from '../pipelines/contract.js';
import { defaultMediaOptions } from '../pipelines/video/media-options.js';
import type { EngineStats } from './engine-stats.js';
import type { Output } from '../outputs/contract.js';
import { ParamSpace } from '../params/param-space.js';
import { FeedbackCoalescer } from '../params/feedback-coalescer.js';
import { OutputManager } from './output-manager.js';
import { ActionSpace } from '../params/actions.js';
import { Modulation, type ModulationConfig } from '../modulators/modulation.js';
import { LatencyCompensation } from './latency-compensation.js';
import type { Tempo } from '../core/clock.js';
import { ClockControl } from './clock-control.js';
import { DeckRack, type DeckStructure, type EngineDeck } from './deck-rack.js';
import { OutputFeeds } from './output-feeds.js';
import { audioForShaders } from './shader-signals.js';
import { SPECTRUM_BINS } from '../core/limits.js';
import type { SegmentReport } from '../pipelines/stage/gpu-chain.js';

export type { DeckStructure, EngineDeck, EngineStats };
export { clockParams } from './clock-control.js';

export interface EngineOptions {
  size: Size;
  fps: number;
  bpm: number;
  driver: FrameDriver;
  log: Log;
  pool?: FramePool;
  now?: () => number;
  modulation?: ModulationConfig;
  /** Where video sources find their clips, and how they decode them (defaults: defaultMediaOptions()). */
  media?: Partial<MediaOptions>;
}

/**
 * The frame loop: per tick, apply parameter changes -> render every deck's chain -> mix ->
 * hand the frame to every output. It never awaits: slow work lives in decoupled stages and outputs.
 */
export class Engine {
  readonly size: Size;
  readonly fps: number;
  readonly params = new ParamSpace();
  readonly actions = new ActionSpace();
  readonly feedback = new FeedbackCoalescer(this.params);
  readonly modulation: Modulation;
  readonly pool: FramePool;
  readonly tempo: Tempo;
  /** The show's outputs, started, stopped and reconfigured at runtime (the engine feeds the live ones). */
  readonly outputManager: OutputManager;
  /** The engine's clock for timing (injectable for tests); stages use it too. */
  readonly now: () => number;
  /** Where video sources find their clips, and how they decode them. */
  readonly media: MediaOptions;
  /** The audio spectrum shaders read, written by the audio input (zeros without audio). */
  readonly spectrum = new Float32Array(SPECTRUM_BINS);
  private readonly driver: FrameDriver;
  private readonly clock: ClockControl;
  private readonly decks: DeckRack;
  private readonly latency: LatencyCompensation;
  private readonly outputs: OutputFeeds;
  private readonly mixer: MixerParams = defaultParams(mixerParams);
  private readonly mixFrame: Frame;
  private readonly frameTimes = new RollingSamples(600);
  private readonly tickRate = new RateMeter(512);
  private frames = 0;
  private droppedFrames = 0;
  private last: Frame | null = null;
  private running = false;
  private readonly sections = new Map<string, () => unknown>();
  private readonly frameInputs: (() => void)[] = [];
  private readonly clockListeners: ((clock: ClockState) => void)[] = [];

  constructor(options: EngineOptions) {
    this.size = options.size;
    this.fps = options.fps;
    this.driver = options.driver;
    this.pool = options.pool ?? new FramePool();
    this.now = options.now ?? (() => performance.now());
    this.media = { ...defaultMediaOptions(), ...options.media };
    this.mixFrame = this.pool.acquire(this.size.width, this.size.height);
    this.params.add('/mixer', mixerParams, this.mixer);
    this.modulation = new Modulation(this.params, options.modulation ?? { lfos: {}, envelopes: {} });
    this.clock = new ClockControl(options.bpm, options.fps, this.params, this.actions, this.modulation.tapTempo);
    this.tempo = this.clock.tempo;
    for (const g of this.modulation.generatorList()) this.params.add(g.paramPrefix, g.params, g.values);
    for (const [id, env] of this.modulation.envelopes) {
      this.actions.register(`/env/${id}/trigger`, { description: `Plays envelope ${id} once.`, patterns: true }, () => env.trigger());
    }
    this.decks = new DeckRack(this.size, this.params, this.pool, options.log, audioForShaders(this.modulation.bus, this.spectrum));
    this.latency = new LatencyCompensation(this.params, this.modulation.lookahead, () => this.decks.stagesOf());
    this.modulation.matrix.useLookahead(this.modulation.lookahead, this.latency.laneOf);
    this.sections.set('latency', () => this.latency.report());
    this.outputs = new OutputFeeds(this.size, options.log);
    this.outputManager = new OutputManager(this, options.log.child({ part: 'outputs' }));
  }

  /** A cue fired: stages that follow cues (a clip retriggered on each) hear of it. */
  cueFired(): void {
    this.decks.cue();
  }

  /** The show's mixer settings, through the address space, so what it reports (and every surface shows) is what renders. */
  setMixer(values: Partial<MixerParams>): void {
    for (const [key, value] of Object.entries(values)) this.params.setNow(`/mixer/${key}`, value);
  }

  addDeck(deck: EngineDeck): void {
    this.decks.add(deck);
    this.latency.rebuild();
    this.modulation.matrix.assignLanes();
    this.actions.register(`/deck/${deck.id}/retrigger`, { description: `Starts deck ${deck.id} over (a clip from its in point).`, patterns: true }, () => this.decks.retrigger(deck.id));
  }

  /**
   * Swaps a deck's pipelines between two frames: the new chain takes over the deck's parameter paths
   * and the old one fades out under it over `fadeSeconds`, then is disposed. Routes whose target is gone
   * are dropped (and returned, for the log).
   */
  /** `rename`: a parameter's new address, for routes onto stages that moved (a chain edit). */
  replaceDeck(id: string, stages: Stage[], fadeSeconds: number, rename?: (path: string) => string): { dropped: string[] } {
    this.decks.replace(id, stages, fadeSeconds, this.clock.state.time);
    this.latency.rebuild();
    return { dropped: this.modulation.matrix.refresh(rename) };
  }

  /** A pipeline's new version takes over its stages' parameters (routes onto inputs it dropped are dropped, and returned). */
  redefinePipeline(definition: AnyPipelineDefinition): { dropped: string[] } {
    this.decks.redefine(definition);
    this.latency.rebuild();
    return { dropped: this.modulation.matrix.refresh() };
  }

  /** How far ahead (seconds) a parameter's changes are made to show on time (latency compensation). */
  secondsAhead(path: string): number {
    return this.latency.secondsAhead(path);
  }

  /** The GPU segments playing now (runs of GPU effects, one upload and one readback each). */
  gpuSegments(): SegmentReport[] {
    return this.decks.gpuSegments();
  }

  /** Resolves when every GPU result in flight is back: on the manual clock, the next tick shows it. */
  gpuSettled(): Promise<void> {
    return this.decks.gpuSettled();
  }

  deckStructure(): DeckStructure[] {
    return this.decks.structure();
  }

  deckIds(): string[] {
    return this.decks.ids();
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

  /** Gives the show an output made outside a config (tests, benchmarks): its owner is the output manager. */
  addOutput(output: Output, feed = 'main'): void {
    this.outputManager.attach(output, feed);
  }

  /** Why this output did not start with the show, or null. */
  startFailure(output: Output): string | null {
    return this.outputManager.startFailure(output);
  }

  /** Feeds an output from the next tick on; `feed` is "main" (the mix) or a deck id. Only its owner, the output manager, calls this. */
  feed(output: Output, feed: string): void {
    this.outputs.add(output, this.decks.indexOf(feed));
  }

  /** Stops feeding an output (it is not stopped: its owner does that). */
  unfeed(output: Output): void {
    this.outputs.remove(output);
  }

  outputList(): readonly Output[] {
    return this.outputs.list();
  }

  /** The frame sent to the outputs on the latest tick (valid until the next tick). */
  get lastFrame(): Frame | null {
    return this.last;
  }

  /** Starts the outputs (their owner leaves out one that fails and reports it), then the frame loop. */
  async start(): Promise<void> {
    await this.outputManager.startAll();
    this.running = true;
    this.driver.start(this.fps, (tick) => this.tick(tick));
  }

  async stop(): Promise<void> {
    this.driver.stop();
    this.feedback.close();
    this.running = false;
    await this.outputManager.stopAll();
    await this.decks.disposeAll();
  }

  tick(info: TickInfo): void {
    const started = this.now();
    this.droppedFrames += info.skipped;
    for (let i = 0; i < this.frameInputs.length; i++) this.frameInputs[i]!();
    // Actions first: a tap may set the BPM, which then lands in this same frame.
    this.actions.applyPending();
    this.params.applyPending();
    this.clock.update(info);
    const clock = this.clock.state;
    for (let i = 0; i < this.clockListeners.length; i++) this.clockListeners[i]!(clock);
    this.latency.update();
    this.modulation.update(clock, info.scheduledMs);

    // Both decks ending on the GPU are mixed there, unless an output wants a deck's own picture.
    const gpuMixed = this.outputs.feedsDecks() ? null : this.decks.renderMixed(clock, this.mixer);
    if (!gpuMixed) this.decks.render(clock);
    const a = gpuMixed ?? this.decks.frames[0];
    if (!a) return;
    const final = gpuMixed ?? mixDecks(a, this.decks.frames[1] ?? null, this.mixer, this.mixFrame);
    final.index = clock.frame;
    final.time = clock.time;
    this.last = final;
    this.outputs.submit(final, this.decks.frames);
    this.frames++;
    const done = this.now();
    this.frameTimes.add(done - started);
    this.tickRate.mark(done);
  }

  stats(): EngineStats {
    const now = this.now();
    const clock = this.clock.state;
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
      clock: { bpm: this.tempo.bpm, beat: round2(clock.beat), bar: round2(clock.bar) },
      stages: this.decks.stats(),
      outputs: this.outputs.stats(),
      poolAllocated: this.pool.allocated + this.outputs.allocated,
      modulation: { routes: this.modulation.matrix.routes().length, signals: this.modulation.bus.list().length },
      sections: Object.fromEntries([...this.sections].map(([name, read]) => [name, read()])),
    };
  }
}


function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
