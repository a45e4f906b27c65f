import fs from 'node:fs';
import path from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { writeFileAtomic, writeFileAtomicSync } from '../core/atomic-file.js';
import { MAX_PRESET_BYTES } from './preset-store.js';
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
  private saving = false;
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
    this.timer = setInterval(() => void this.flush(), this.intervalMs);
    this.timer.unref();
  }

  /** The last save, on this thread: the process is about to exit. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (!this.dirty) return;
    this.dirty = false;
    try {
      makeDirs(path.dirname(this.file));
      writeFileAtomicSync(this.file, this.document());
      this.writes++;
    } catch (error) {
      this.onError(`live state not saved: ${(error as Error).message}`);
    }
  }

  /** Saves the state if it changed, off the frame loop's thread (one save at a time). */
  async flush(): Promise<void> {
    if (!this.dirty || this.saving) return;
    this.dirty = false;
    this.saving = true;
    try {
      makeDirs(path.dirname(this.file));
      await writeFileAtomic(this.file, this.document());
      this.writes++;
    } catch (error) {
      this.onError(`live state not saved: ${(error as Error).message}`);
    } finally {
      this.saving = false;
    }
  }

  private document(): string {
    return JSON.stringify({ version: 1, saved: new Date().toISOString(), ...this.read() });
  }

  /** The state saved by an earlier run, or null (none, or unreadable: reported). */
  load(): LiveState | null {
    let text: string;
    try {
      // Non-blocking and not through a symlink: whatever sits at this path cannot hold up the start.
      const fd = fs.openSync(this.file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOFOLLOW);
      try {
        const stat = fs.fstatSync(fd);
        if (!stat.isFile() || stat.size > MAX_PRESET_BYTES * 8) throw new Error('not a plain file of a live state\'s size');
        text = fs.readFileSync(fd, 'utf8');
      } finally {
        fs.closeSync(fd);
      }
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
