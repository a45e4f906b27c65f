import { ErrorCode, VjError } from '../core/errors.js';
import { validate } from '../core/validation.js';
import type { Curve } from './curves.js';
import { createFilter } from './filters.js';
import type { Lookahead } from './lookahead.js';
import { routeValue, takesValue, type CompiledRoute } from './route-eval.js';
import { RouteSchema, type CombineMode, type RouteConfig, type TakeoverMode } from './route.js';
import type { SignalBus } from './signal-bus.js';

/** What the matrix needs of a parameter: its range and where its live value lives. */
export interface ModulationTarget {
  path: string;
  info: { kind: string; min?: number; max?: number; modulatable: boolean };
  target: Record<string, unknown>;
  key: string;
  base: unknown;
  modulated: boolean;
}

export interface TargetLookup {
  entry(path: string): ModulationTarget | undefined;
}

/** Signals that may be routed before they are first seen (tablets and controllers announce themselves by sending). */
const LATE_SIGNAL_PREFIXES = ['osc:', 'midi:', 'audio:'];


interface TargetState {
  entry: ModulationTarget;
  min: number;
  max: number;
  integer: boolean;
  routes: CompiledRoute[];
  /** Combined modulation last frame (fraction of range). */
  modulation: number;
  /** The look-ahead lane its signals are read from (-1: as they are now). */
  lane: number;
}

/**
 * Evaluates every route once per frame at frame time: base value + combined modulation, clamped to the
 * parameter's range. Allocation-free per frame; routes can be replaced at any time between frames.
 */
export class ModulationMatrix {
  private configs: RouteConfig[] = [];
  private targets: TargetState[] = [];
  private nextId = 1;
  private readonly changeListeners = new Set<() => void>();
  private lookahead: Lookahead | null = null;
  private laneOf: (path: string) => number = () => -1;

  constructor(
    private readonly bus: SignalBus,
    private readonly params: TargetLookup,
  ) {}

  routes(): readonly RouteConfig[] {
    return this.configs;
  }

  /** Hears every change of the route set (added, changed, removed, replaced). */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Replaces all routes; all or nothing. Throws a VjError naming every bad field. */
  setRoutes(routes: unknown[], label = 'routes'): RouteConfig[] {
    const checked = routes.map((r, i) => this.check(r, `${label}[${i}]`));
    const problems = checked.flatMap((c) => (c.ok ? [] : c.problems));
    if (problems.length) throw new VjError(ErrorCode.ShowInvalid, `${label} are invalid:\n  ${problems.join('\n  ')}`, problems);
    const configs = checked.map((c) => (c.ok ? c.route : null)!);
    const ids = new Set<string>();
    for (const c of configs) {
      if (!c.id || ids.has(c.id)) c.id = this.freshId(ids);
      ids.add(c.id);
    }
    this.rebuild(configs);
    return configs;
  }

  /** Adds one route; returns it with its id, or the problems. */
  addRoute(route: unknown): { ok: true; route: RouteConfig } | { ok: false; problems: string[] } {
    const c = this.check(route, 'route');
    if (!c.ok) return c;
    const ids = new Set(this.configs.map((r) => r.id!));
    if (!c.route.id || ids.has(c.route.id)) c.route.id = this.freshId(ids);
    this.rebuild([...this.configs, c.route]);
    return { ok: true, route: c.route };
  }

  updateRoute(id: string, patch: Record<string, unknown>): { ok: true; route: RouteConfig } | { ok: false; problems: string[] } {
    const index = this.configs.findIndex((r) => r.id === id);
    if (index < 0) return { ok: false, problems: [`route "${id}" does not exist`] };
    const c = this.check({ ...this.configs[index], ...patch, id }, 'route');
    if (!c.ok) return c;
    const next = [...this.configs];
    next[index] = c.route;
    this.rebuild(next);
    return { ok: true, route: c.route };
  }

  /**
   * Re-checks every route against the address space (after decks changed): keeps the ones still valid,
   * returns the ids dropped. `rename` gives a route's target its new address (an effect moved in its chain).
   */
  refresh(rename: (target: string) => string = (t) => t): string[] {
    const keep: RouteConfig[] = [];
    const dropped: string[] = [];
    for (const old of this.configs) {
      const target = rename(old.target);
      const config = target === old.target ? old : { ...old, target };
      const entry = this.params.entry(config.target);
      if (entry && entry.info.modulatable) keep.push(config);
      else dropped.push(config.id ?? config.target);
    }
    // Same route objects for the ones kept (their filter state carries on), fresh entries for the new deck.
    this.targets = this.targets.filter((t) => this.params.entry(t.entry.path) === t.entry);
    this.rebuild(keep);
    return dropped;
  }

  removeRoute(id: string): boolean {
    const next = this.configs.filter((r) => r.id !== id);
    if (next.length === this.configs.length) return false;
    this.rebuild(next);
    return true;
  }

  /** Per-route output last frame, for meters; for an absolute route, whether its control holds the value. */
  routeLevels(): { id: string; value: number; holding?: boolean }[] {
    return this.targets.flatMap((t) => t.routes.map((r) => ({ id: r.config.id!, value: r.last, ...(r.absolute ? { holding: r.holding } : {}) })));
  }

  /** Runs every route for this frame. `dt` is the frame's time step in seconds. */
  /**
   * Parameters whose effect reaches the output later (those of a stage up to a decoupled model) read
   * their signals from a look-ahead lane: `laneOf` names a parameter's lane (-1: none).
   */
  useLookahead(lookahead: Lookahead, laneOf: (path: string) => number): void {
    this.lookahead = lookahead;
    this.laneOf = laneOf;
    this.assignLanes();
  }

  /** Asks every parameter's lane again (the decks changed). */
  assignLanes(): void {
    for (const t of this.targets) t.lane = this.laneOf(t.entry.path);
  }

  evaluate(dt: number): void {
    const now = this.bus.valuesView;
    const lookahead = this.lookahead;
    const targets = this.targets;
    for (let ti = 0; ti < targets.length; ti++) {
      const t = targets[ti]!;
      const values = lookahead && t.lane >= 0 && t.lane < lookahead.count ? lookahead.values(t.lane) : now;
      let acc = 0;
      let any = false;
      const routes = t.routes;
      const base = typeof t.entry.base === 'number' ? t.entry.base : t.min;
      const span = t.max - t.min;
      for (let ri = 0; ri < routes.length; ri++) {
        const r = routes[ri]!;
        const signal = values[r.slot]!;
        let m = routeValue(r, signal, dt);
        if (r.absolute) {
          // An absolute route names a position in the range: express it relative to the base.
          const basePosition = span ? (base - t.min) / span : 0;
          if (!takesValue(r, t.entry.base, signal, m, basePosition)) {
            r.last = 0;
            continue;
          }
          m -= basePosition;
        }
        r.last = m;
        if (!any) acc = m;
        else if (r.combine === 'add') acc += m;
        else if (r.combine === 'max') acc = m > acc ? m : acc;
        else acc = m;
        any = true;
      }
      t.modulation = acc;
      let v = base + acc * span;
      v = v < t.min ? t.min : v > t.max ? t.max : v;
      t.entry.target[t.entry.key] = t.integer ? Math.round(v) : v;
    }
  }

  private check(route: unknown, at: string): { ok: true; route: RouteConfig } | { ok: false; problems: string[] } {
    const copy = structuredClone(route) as RouteConfig;
    const problems = validate(RouteSchema, copy, at);
    if (problems.length) return { ok: false, problems };
    const entry = this.params.entry(copy.target);
    if (!entry) problems.push(`${at}.target: no parameter "${copy.target}"`);
    else if (!entry.info.modulatable || (entry.info.kind !== 'number' && entry.info.kind !== 'integer')) {
      problems.push(`${at}.target: "${copy.target}" is not modulatable (a ${entry.info.kind})`);
    }
    if (this.bus.slot(copy.source) === undefined && !LATE_SIGNAL_PREFIXES.some((p) => copy.source.startsWith(p))) {
      const known = this.bus.list().map((s) => s.name).filter((n) => !n.startsWith('osc:')).slice(0, 20);
      problems.push(`${at}.source: unknown signal "${copy.source}" (known: ${known.join(', ')}${known.length === 20 ? ', …' : ''})`);
    }
    if (copy.inputRange && copy.inputRange[0] === copy.inputRange[1]) problems.push(`${at}.inputRange: the two ends must differ`);
    return problems.length ? { ok: false, problems } : { ok: true, route: copy };
  }

  private freshId(taken: Set<string>): string {
    let id: string;
    do id = `route${this.nextId++}`;
    while (taken.has(id));
    return id;
  }

  private rebuild(configs: RouteConfig[]): void {
    const byTarget = new Map<string, TargetState>();
    for (const config of configs) {
      if (!config.enabled) continue;
      const entry = this.params.entry(config.target)!;
      const slot = this.bus.slot(config.source) ?? this.bus.register(config.source, 'unipolar', 'announced by a route before first seen');
      if (slot === null) continue;
      const bipolar = this.bus.info(slot)?.polarity === 'bipolar';
      const [inMin, inMax] = config.inputRange ?? (bipolar ? [-1, 1] : [0, 1]);
      let t = byTarget.get(config.target);
      if (!t) {
        t = { entry, min: entry.info.min ?? 0, max: entry.info.max ?? 1, integer: entry.info.kind === 'integer', routes: [], modulation: 0, lane: this.laneOf(config.target) };
        byTarget.set(config.target, t);
      }
      // Keep the filter state of an unchanged route, so editing one route does not jolt the others.
      const previous = this.targets.find((old) => old.entry.path === config.target)?.routes.find((r) => r.config === config);
      t.routes.push(
        previous ?? {
          config, slot, bipolar, inMin, inSpan: inMax - inMin, invert: config.invert, curve: config.curve as Curve,
          linear: config.curve === 'linear', steps: config.steps, amount: config.amount, offset: config.offset, absolute: config.absolute,
          // A new route (a learn, a show's mapping) holds the value from the start: it was made to move it.
          takeover: config.takeover as TakeoverMode, holding: true, seenBase: entry.base, lastPosition: 0, lastSignal: 0,
          filters: config.filters.map((f) => createFilter(f)), combine: config.combine as CombineMode, last: 0.5,
        },
      );
    }
    // Parameters that lost their last route go back to their base value.
    for (const old of this.targets) {
      if (!byTarget.has(old.entry.path)) {
        old.entry.modulated = false;
        old.entry.target[old.entry.key] = old.entry.base;
      }
    }
    for (const t of byTarget.values()) t.entry.modulated = true;
    this.configs = configs;
    this.targets = [...byTarget.values()];
    for (const listener of this.changeListeners) listener();
  }
}

