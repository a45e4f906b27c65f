import fs from 'node:fs';
import path from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { writeFileAtomic } from '../core/atomic-file.js';
import { validate } from '../core/validation.js';
import { makeDirs } from '../core/make-dirs.js';

export const LiveStateSchema = Type.Object(
  {
    version: Type.Literal(1),
    saved: Type.String(),
    params: Type.Record(Type.String({ pattern: '^/' }), Type.Unknown()),
    routes: Type.Array(Type.Unknown()),
    preset: Type.Union([Type.String(), Type.Null()]),
    cue: Type.Integer({ minimum: -1 }),
  },
  { additionalProperties: false },
);
export type LiveState = Static<typeof LiveStateSchema>;

export const LIVE_STATE_FILE = '.live-state.json';

/**
 * Crash recovery: the live state (base values, routes, current preset and cue) written atomically at
 * most once a second while something changes, and read back at start.
 */
export class LiveStateKeeper {
  private dirty = false;
  private timer: NodeJS.Timeout | null = null;
  readonly file: string;
  writes = 0;

  constructor(
    dir: string,
    private readonly read: () => Omit<LiveState, 'version' | 'saved'>,
    private readonly onError: (message: string) => void,
    private readonly intervalMs = 1000,
  ) {
    this.file = path.join(dir, LIVE_STATE_FILE);
  }

  /** Something changed: it will be saved within a second. */
  touch(): void {
    this.dirty = true;
  }

  start(): void {
    this.timer = setInterval(() => this.flush(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.flush();
  }

  flush(): void {
    if (!this.dirty) return;
    this.dirty = false;
    try {
      makeDirs(path.dirname(this.file));
      writeFileAtomic(this.file, JSON.stringify({ version: 1, saved: new Date().toISOString(), ...this.read() }));
      this.writes++;
    } catch (error) {
      this.onError(`live state not saved: ${(error as Error).message}`);
    }
  }

  /** The state saved by an earlier run, or null (none, or unreadable: reported). */
  load(): LiveState | null {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch {
      return null;
    }
    try {
      const doc = JSON.parse(text) as unknown;
      const problems = validate(LiveStateSchema, doc);
      if (problems.length) throw new Error(problems.join('; '));
      return doc as LiveState;
    } catch (error) {
      this.onError(`saved live state ignored: ${(error as Error).message}`);
      return null;
    }
  }
}
