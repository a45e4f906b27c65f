/**
 * Addresses that do something rather than hold a value (`/clock/tap`, `/clock/resync`, `/env/env1/trigger`).
 * Each declares its arguments once; every request is checked against them wherever it comes from (OSC,
 * MIDI, the API, a socket, the keyboard), then waits in a bounded queue until the frame boundary, so the
 * frame loop applies them in order at frame time and a flood cannot grow memory.
 */

/** One argument of an action, as OSC, OSCQuery, the API and the docs see it. */
export type ActionArg =
  | { name: string; kind: 'number'; min: number; max: number; optional?: boolean }
  | { name: string; kind: 'integer'; min: number; max: number; optional?: boolean }
  | { name: string; kind: 'boolean'; optional?: boolean }
  | { name: string; kind: 'string'; maxLength: number; optional?: boolean }
  /** A preset slot number or a name. */
  | { name: string; kind: 'slot-or-name'; optional?: boolean };

export interface ActionSpec {
  description: string;
  args?: readonly ActionArg[];
  /**
   * Fired by an OSC address pattern (every envelope's trigger at once) as well as by its own address.
   * Off by default: a pattern of stars must not save presets, write files, stop outputs or move the beat.
   */
  patterns?: boolean;
}

export interface ActionInfo {
  path: string;
  description: string;
  args: readonly ActionArg[];
  patterns: boolean;
}

type Handler = (args: readonly unknown[], timeMs: number) => void;

const MAX_QUEUED = 1024;

/** The arguments as the handler gets them (numbers for booleans given as 0/1), or the problem in words. */
export function checkActionArgs(info: Pick<ActionInfo, 'path' | 'args'>, given: readonly unknown[]): { ok: true; args: unknown[] } | { ok: false; problem: string } {
  const args: unknown[] = [];
  for (const [i, spec] of info.args.entries()) {
    const value = given[i];
    const at = `${info.path} ${spec.name}`;
    if (value === undefined || (typeof value === 'number' && Number.isNaN(value))) {
      if (spec.optional) break;
      return { ok: false, problem: `${at}: is required` };
    }
    switch (spec.kind) {
      case 'number':
      case 'integer':
        if (typeof value !== 'number' || !Number.isFinite(value)) return { ok: false, problem: `${at}: must be a finite number` };
        if (spec.kind === 'integer' && !Number.isInteger(value)) return { ok: false, problem: `${at}: must be a whole number` };
        if (value < spec.min || value > spec.max) return { ok: false, problem: `${at}: must be within ${spec.min}..${spec.max}` };
        args.push(value);
        break;
      case 'boolean':
        if (value === true || value === 1) args.push(true);
        else if (value === false || value === 0) args.push(false);
        else return { ok: false, problem: `${at}: must be 1 or 0 (true or false)` };
        break;
      case 'string':
        if (typeof value !== 'string' || value.length > spec.maxLength) return { ok: false, problem: `${at}: must be text of at most ${spec.maxLength} characters` };
        args.push(value);
        break;
      case 'slot-or-name':
        if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 127) args.push(value);
        else if (typeof value === 'string' && value.length > 0 && value.length <= 100) args.push(value);
        else return { ok: false, problem: `${at}: must be a slot number 0..127 or a preset name` };
        break;
    }
  }
  return { ok: true, args };
}

export class ActionSpace {
  private readonly handlers = new Map<string, { info: ActionInfo; run: Handler }>();
  private readonly queue: { run: Handler; args: readonly unknown[]; timeMs: number }[] = [];
  private droppedCount = 0;
  private refusedCount = 0;

  register(path: string, spec: ActionSpec, run: Handler): void {
    this.handlers.set(path, { info: { path, description: spec.description, args: spec.args ?? [], patterns: spec.patterns ?? false }, run });
  }

  has(path: string): boolean {
    return this.handlers.has(path);
  }

  info(path: string): ActionInfo | undefined {
    return this.handlers.get(path)?.info;
  }

  list(): ActionInfo[] {
    return [...this.handlers.values()].map((h) => h.info);
  }

  /** Checks and queues an action for the next frame: why not, when it is unknown, its arguments are wrong or the queue is full. */
  request(path: string, args: readonly unknown[], timeMs: number): { ok: true } | { ok: false; reason: 'unknown' | 'invalid' | 'busy'; problem: string } {
    const handler = this.handlers.get(path);
    if (!handler) return { ok: false, reason: 'unknown', problem: `${path}: no such action` };
    const checked = checkActionArgs(handler.info, args);
    if (!checked.ok) {
      this.refusedCount++;
      return { ok: false, reason: 'invalid', problem: checked.problem };
    }
    if (this.queue.length >= MAX_QUEUED) {
      this.droppedCount++;
      return { ok: false, reason: 'busy', problem: 'too many actions are waiting for the next frame' };
    }
    this.queue.push({ run: handler.run, args: checked.args, timeMs });
    return { ok: true };
  }

  /** `request` for callers that only need to know whether it was queued. */
  invoke(path: string, args: readonly unknown[], timeMs: number): boolean {
    return this.request(path, args, timeMs).ok;
  }

  get dropped(): number {
    return this.droppedCount;
  }

  /** Requests refused for their arguments. */
  get refused(): number {
    return this.refusedCount;
  }

  applyPending(): void {
    if (this.queue.length === 0) return;
    for (let i = 0; i < this.queue.length; i++) {
      const item = this.queue[i]!;
      item.run(item.args, item.timeMs);
    }
    this.queue.length = 0;
  }
}
