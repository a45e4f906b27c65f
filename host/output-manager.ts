import { ErrorCode, VjError, describeError } from '../core/errors.js';
import type { Log } from '../core/log.js';
import { validate } from '../core/validation.js';
import { OUTPUT_START_MS, startWithin, type Output, type OutputStats } from '../outputs/contract.js';
import { redactUrl } from '../outputs/ffmpeg/ffmpeg-args.js';
import { findOutputType, outputTypes } from '../outputs/index.js';
import type { ActionSpace } from '../params/actions.js';

export type OutputConfig = { type: string; id?: string; enabled?: boolean; feed?: string; [field: string]: unknown };

export interface OutputEntry {
  id: string;
  type: string;
  /** The config as checked (defaults filled); secrets (stream keys) hidden. */
  config: Record<string, unknown>;
  stats: OutputStats;
}

interface Managed {
  id: string;
  config: OutputConfig & { id: string; enabled: boolean; feed: string };
  output: Output;
  /** Fed by the engine (started, or to be started with the show). */
  live: boolean;
  /** Made outside a config (a test's or a benchmark's output): it cannot be reconfigured. */
  attached?: boolean;
  /** Why its last start failed (shown as its state until it starts). */
  startFailure?: string | null;
}

/** What the manager needs of the frame loop that feeds its outputs (the engine): a narrow port, not the engine. */
export interface OutputFeeder {
  readonly fps: number;
  readonly size: { width: number; height: number };
  readonly actions: ActionSpace;
  deckIds(): string[];
  /** Feeds an output from the next frame on; `feed` is "main" or a deck id. */
  feed(output: Output, feed: string): void;
  unfeed(output: Output): void;
}

/** Config fields never shown outside: the stream URL carries the key. */
const SECRET_FIELDS = new Set(['url']);

/**
 * The one owner of the show's outputs: it starts them with the show (each within OUTPUT_START_MS; one
 * that fails or hangs is reported and left out) or holds them back (`enabled: false`), and starts, stops,
 * reconfigures, adds and removes them while the frame loop runs. The engine only feeds live outputs; a
 * stopped output is not fed, and a reconfigured one is stopped and replaced by a new instance.
 */
export class OutputManager {
  private readonly entries: Managed[] = [];
  private showStarted = false;
  /** Operations on one output run one after another (a start during a stop waits for it). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly engine: OutputFeeder,
    private readonly log: Log,
  ) {}

  /** Checks a config; throws a VjError naming every bad field. */
  check(config: unknown, at: string): Managed['config'] {
    const copy = structuredClone(config) as OutputConfig;
    if (typeof copy !== 'object' || copy === null || Array.isArray(copy)) {
      throw new VjError(ErrorCode.OutputInvalid, `${at}: must be an object with a "type"`, [`${at}: must be an object`]);
    }
    const type = findOutputType(String(copy.type));
    if (!type) {
      const problem = `${at}.type: must be one of ${outputTypes.map((t) => JSON.stringify(t.type)).join(', ')}`;
      throw new VjError(ErrorCode.OutputInvalid, problem, [problem]);
    }
    const problems = validate(type.config, copy, at);
    if (problems.length === 0 && copy.feed !== 'main' && !this.engine.deckIds().includes(String(copy.feed))) {
      problems.push(`${at}.feed: no deck "${String(copy.feed)}" (decks: ${this.engine.deckIds().join(', ')}; or "main")`);
    }
    if (problems.length) throw new VjError(ErrorCode.OutputInvalid, `${at} is invalid:\n  ${problems.join('\n  ')}`, problems);
    return copy as Managed['config'];
  }

  /** Adds an output from a config; an enabled one starts at once, or with the show when that has not started yet. */
  add(config: OutputConfig & { id: string }): Promise<OutputEntry> {
    return this.serial(async () => {
      if (this.find(config.id)) throw new VjError(ErrorCode.OutputInvalid, `output "${config.id}" exists already`, [`id: "${config.id}" is taken`]);
      const checked = this.check(config, `outputs.${config.id}`);
      const managed: Managed = { id: config.id, config: { ...checked, id: config.id }, output: this.create(checked, config.id), live: false };
      this.entries.push(managed);
      this.registerActions(managed.id);
      if (checked.enabled && this.showStarted) await this.goLive(managed);
      else if (checked.enabled) this.feed(managed);
      return this.entry(managed);
    });
  }

  /**
   * Takes an output made outside a config (a test's or a benchmark's) and feeds it from the next frame
   * on. It starts with the show; one attached after the show started must be running already.
   */
  attach(output: Output, feed = 'main'): void {
    if (feed !== 'main' && !this.engine.deckIds().includes(feed)) throw new Error(`feed "${feed}": no such deck (decks: ${this.engine.deckIds().join(', ')}; or "main")`);
    const managed: Managed = { id: output.id, config: { type: output.type, id: output.id, enabled: true, feed }, output, live: false, attached: true };
    this.entries.push(managed);
    this.feed(managed);
  }

  /** Starts every live output with the show, each on its own; the show starts with those that did. */
  async startAll(): Promise<void> {
    this.showStarted = true;
    await Promise.all(this.entries.filter((m) => m.live).map((m) => this.startLive(m)));
  }

  /** Stops every output (the show is ending). */
  async stopAll(): Promise<void> {
    await Promise.allSettled(this.entries.map((m) => this.goOffline(m)));
  }

  /** Why this output did not start, or null. */
  startFailure(output: Output): string | null {
    return this.entries.find((m) => m.output === output)?.startFailure ?? null;
  }

  list(): OutputEntry[] {
    return this.entries.map((m) => this.entry(m));
  }

  get(id: string): OutputEntry {
    return this.entry(this.require(id));
  }

  start(id: string): Promise<OutputEntry> {
    return this.serial(async () => {
      const managed = this.require(id);
      if (!managed.live) await this.goLive(managed);
      return this.entry(managed);
    });
  }

  stop(id: string): Promise<OutputEntry> {
    return this.serial(async () => {
      const managed = this.require(id);
      await this.goOffline(managed);
      return this.entry(managed);
    });
  }

  /**
   * Changes an output's settings: the patch is merged into its config and checked as a whole; a bad
   * one is refused with the fields named and the running output is left as it was. A good one
   * replaces the output (stopped, recreated, started again if it was live).
   */
  configure(id: string, patch: Record<string, unknown>): Promise<OutputEntry> {
    return this.serial(async () => {
      const managed = this.require(id);
      if (managed.attached) throw new VjError(ErrorCode.OutputInvalid, `outputs.${id}: made outside a config; it cannot be reconfigured`, [`${id}: not configurable`]);
      if ('type' in patch && patch.type !== managed.config.type) {
        throw new VjError(ErrorCode.OutputInvalid, `outputs.${id}.type: cannot change (remove the output and add another)`, ['type: cannot change']);
      }
      const checked = this.check({ ...managed.config, ...patch, id }, `outputs.${id}`);
      const wasLive = managed.live;
      await this.goOffline(managed);
      managed.config = { ...checked, id };
      managed.output = this.create(checked, id);
      if (wasLive) await this.goLive(managed);
      return this.entry(managed);
    });
  }

  remove(id: string): Promise<void> {
    return this.serial(async () => {
      const managed = this.require(id);
      await this.goOffline(managed);
      this.entries.splice(this.entries.indexOf(managed), 1);
    });
  }

  private async goLive(managed: Managed): Promise<void> {
    const failure = await startWithin(managed.output, OUTPUT_START_MS);
    if (failure !== null) {
      managed.output.stop().catch(() => undefined);
      managed.startFailure = failure;
      throw new VjError(ErrorCode.OutputFailed, `output ${managed.id} could not start: ${failure}`, [`${managed.id}: ${failure}`]);
    }
    managed.startFailure = null;
    this.feed(managed);
  }

  /** A live output's start with the show: a failure leaves it out with its reason, the others go on. */
  private async startLive(managed: Managed): Promise<void> {
    const failure = await startWithin(managed.output, OUTPUT_START_MS);
    if (failure === null) return;
    managed.startFailure = failure;
    this.engine.unfeed(managed.output);
    managed.live = false;
    this.log.error({ output: managed.id, err: failure }, `output ${managed.id} could not start: ${failure}; the show runs without it`);
    managed.output.stop().catch(() => undefined);
  }

  private feed(managed: Managed): void {
    this.engine.feed(managed.output, managed.config.feed);
    managed.live = true;
  }

  private async goOffline(managed: Managed): Promise<void> {
    if (!managed.live) return;
    this.engine.unfeed(managed.output);
    managed.live = false;
    await managed.output.stop();
  }

  private create(config: Managed['config'], id: string): Output {
    const type = findOutputType(config.type)!;
    return type.create({ ...config, id }, { fps: this.engine.fps, ...this.engine.size, log: this.log.child({ output: id }) });
  }

  private registerActions(id: string): void {
    const act = this.engine.actions;
    const run = (what: string, op: () => Promise<unknown>): void => {
      op().catch((error: unknown) => this.log.error({ output: id, err: describeError(error) }, `output ${id}: ${what} failed`));
    };
    if (act.has(`/output/${id}/start`)) return;
    act.register(`/output/${id}/start`, { description: `Starts output ${id}.` }, () => run('start', () => this.start(id)));
    act.register(`/output/${id}/stop`, { description: `Stops output ${id}.` }, () => run('stop', () => this.stop(id)));
    act.register(`/output/${id}/enabled`, { description: `1 starts output ${id}, 0 stops it (a toggle button).`, args: [{ name: 'on', kind: 'boolean' }] }, (args) =>
      run('toggle', () => (args[0] === true ? this.start(id) : this.stop(id))),
    );
  }

  private entry(m: Managed): OutputEntry {
    const stats = m.output.stats();
    const shown = !m.live && m.startFailure ? { ...stats, state: 'failed' as const, lastError: m.startFailure } : stats;
    const config = Object.fromEntries(Object.entries(m.config).map(([k, v]) => [k, SECRET_FIELDS.has(k) ? redactUrl(String(v)) : v]));
    return { id: m.id, type: m.config.type, config, stats: shown };
  }

  private find(id: string): Managed | undefined {
    return this.entries.find((m) => m.id === id);
  }

  private require(id: string): Managed {
    const managed = this.find(id);
    if (!managed) throw new VjError(ErrorCode.OutputUnknown, `no output "${id}" (outputs: ${this.entries.map((m) => m.id).join(', ') || 'none'})`);
    return managed;
  }

  private serial<T>(op: () => Promise<T>): Promise<T> {
    const next = this.queue.then(op, op);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
