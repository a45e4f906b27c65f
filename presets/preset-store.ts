import fs from 'node:fs';
import path from 'node:path';
import { removeStaleTemps, writeFileAtomic } from '../core/atomic-file.js';
import { describeError } from '../core/errors.js';
import { validate } from '../core/validation.js';
import { migrate, PRESET_VERSION, PresetSchema, type Preset } from './preset.js';
import { makeDirs } from '../core/make-dirs.js';
import { BANK_PATTERN } from '../core/limits.js';

/** A preset is a page of JSON; anything larger in a bank is not one, and is not read. */
export const MAX_PRESET_BYTES = 1024 * 1024;

/**
 * Reads a file that must be a plain file of at most MAX_PRESET_BYTES, off the calling thread. Opened
 * non-blocking and without following a symlink, then checked on the open descriptor: a FIFO never
 * blocks (here or a worker of libuv's), a 700 MB file is refused by its size before a byte is read.
 */
export async function readPresetFile(file: string): Promise<{ text: string } | { reason: string }> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { reason: code === 'ENOENT' ? 'not found' : code === 'ELOOP' ? 'a symlink (not followed)' : `cannot read (${code ?? describeError(error)})` };
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return { reason: 'not a plain file' };
    if (stat.size > MAX_PRESET_BYTES) return { reason: `${stat.size} bytes, larger than a preset can be (${MAX_PRESET_BYTES})` };
    return { text: await handle.readFile('utf8') };
  } catch (error) {
    return { reason: `cannot read (${(error as NodeJS.ErrnoException).code ?? describeError(error)})` };
  } finally {
    await handle.close();
  }
}

/** Letters, digits, spaces and a few marks; no slashes, no "..", no control characters, no leading dot. */
const NAME = /^[\p{L}\p{N}][\p{L}\p{N} _.,'()&+-]{0,99}$/u;
const BANK = new RegExp(BANK_PATTERN);

export class PresetNameError extends Error {}

export function checkName(name: string, what = 'preset name'): void {
  if (typeof name !== 'string' || !NAME.test(name) || name.includes('..')) {
    throw new PresetNameError(`${what} ${JSON.stringify(String(name).slice(0, 60))} is refused: use letters, digits, spaces and - _ . , ' ( ) & + (no slashes, no "..")`);
  }
}

function checkBank(bank: string): void {
  if (typeof bank !== 'string' || !BANK.test(bank)) throw new PresetNameError(`bank name ${JSON.stringify(String(bank).slice(0, 60))} is refused: letters, digits, spaces, - and _`);
}

export interface ListResult {
  presets: Preset[];
  /** Files that were skipped, and why (corrupt, unknown version, invalid). */
  problems: { file: string; reason: string }[];
}

export type PresetInput = Omit<Preset, 'version' | 'created' | 'updated' | 'bank' | 'tags' | 'transition'> &
  Partial<Pick<Preset, 'bank' | 'tags' | 'transition' | 'created'>>;

/**
 * One JSON file per preset, in a folder per bank: `<dir>/<bank>/<name>.json`. Every write is atomic,
 * names are confined to their folder, and a file that does not parse or check is reported and
 * skipped — never loaded half-way.
 */
export class PresetStore {
  constructor(readonly dir: string) {}

  private file(bank: string, name: string): string {
    checkBank(bank);
    checkName(name);
    const file = path.join(this.dir, bank, `${name}.json`);
    // Belt and braces: whatever the checks missed, nothing leaves the presets folder.
    if (!path.resolve(file).startsWith(path.resolve(this.dir) + path.sep)) throw new PresetNameError(`${name}: outside the presets folder`);
    return file;
  }

  /** Checks and writes a preset; returns it as stored. Throws with every problem named. */
  async save(input: PresetInput): Promise<Preset> {
    const now = new Date().toISOString();
    const existing = await this.tryLoad(input.bank ?? 'default', input.name);
    const doc = { ...input, version: PRESET_VERSION, created: input.created ?? existing?.created ?? now, updated: now };
    const problems = validate(PresetSchema, doc);
    if (problems.length) throw new Error(`preset "${input.name}" is invalid: ${problems.join('; ')}`);
    const preset = doc as Preset;
    const file = this.file(preset.bank, preset.name);
    makeDirs(path.dirname(file));
    await writeFileAtomic(file, `${JSON.stringify(preset, null, 2)}\n`);
    return preset;
  }

  /** Temp files of writes that a kill or a full disk interrupted, in the folder and every bank: removed. */
  cleanTemps(): number {
    let removed = removeStaleTemps(this.dir);
    try {
      for (const d of fs.readdirSync(this.dir, { withFileTypes: true })) if (d.isDirectory()) removed += removeStaleTemps(path.join(this.dir, d.name));
    } catch {
      // no presets folder yet
    }
    return removed;
  }

  /** Every preset of a bank (or of all banks), read off the calling thread; files that are not presets are named and skipped. */
  async list(bank?: string): Promise<ListResult> {
    const result: ListResult = { presets: [], problems: [] };
    let banks: string[];
    if (bank !== undefined) checkBank(bank);
    try {
      banks = bank ? [bank] : (await fs.promises.readdir(this.dir, { withFileTypes: true })).filter((d) => d.isDirectory() && BANK.test(d.name)).map((d) => d.name);
    } catch {
      return result;
    }
    for (const b of banks.sort()) {
      let files: string[];
      try {
        // Every .json is looked at, and what is not a plain file (a FIFO, a device, a symlink) is named and skipped.
        files = (await fs.promises.readdir(path.join(this.dir, b))).filter((name) => name.endsWith('.json') && !name.startsWith('.'));
      } catch {
        continue;
      }
      for (const f of files.sort()) {
        const loaded = await this.read(path.join(this.dir, b, f));
        if ('preset' in loaded) result.presets.push(loaded.preset);
        else result.problems.push({ file: `${b}/${f}`, reason: loaded.reason });
      }
    }
    return result;
  }

  async load(bank: string, name: string): Promise<Preset> {
    const loaded = await this.read(this.file(bank, name));
    if ('reason' in loaded) throw new Error(loaded.reason);
    return loaded.preset;
  }

  /** By slot number or name, in a bank. */
  async find(bank: string, key: number | string): Promise<Preset | undefined> {
    const { presets } = await this.list(bank);
    return typeof key === 'number' ? presets.find((p) => p.slot === key) : presets.find((p) => p.name === key);
  }

  async remove(bank: string, name: string): Promise<boolean> {
    const file = this.file(bank, name);
    try {
      await fs.promises.unlink(file);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  async exportBank(bank: string): Promise<{ format: 'vj-host-bank'; version: 1; bank: string; presets: Preset[] }> {
    checkBank(bank);
    return { format: 'vj-host-bank', version: 1, bank, presets: (await this.list(bank)).presets };
  }

  /** Imports a bank file; each preset is checked on its own, so one bad entry does not sink the rest. */
  async importBank(doc: unknown, intoBank?: string): Promise<{ imported: string[]; problems: string[] }> {
    const d = doc as { format?: unknown; bank?: unknown; presets?: unknown };
    if (d?.format !== 'vj-host-bank' || !Array.isArray(d.presets)) return { imported: [], problems: ['not a vj-host bank file (format "vj-host-bank" with a presets list)'] };
    const bank = intoBank ?? String(d.bank);
    const out = { imported: [] as string[], problems: [] as string[] };
    for (const [i, entry] of (d.presets as unknown[]).entries()) {
      try {
        const migrated = migrate(structuredClone(entry) as Record<string, unknown>);
        const { version: _v, updated: _u, ...input } = migrated;
        out.imported.push((await this.save({ ...(input as unknown as PresetInput), bank })).name);
      } catch (error) {
        out.problems.push(`presets[${i}]: ${describeError(error)}`);
      }
    }
    return out;
  }

  private async tryLoad(bank: string, name: string): Promise<Preset | null> {
    try {
      return await this.load(bank, name);
    } catch {
      return null;
    }
  }

  private async read(file: string): Promise<{ preset: Preset } | { reason: string }> {
    // Named relative to the presets folder: answers never show where on disk it lives.
    const name = path.relative(this.dir, file);
    const read = await readPresetFile(file);
    if ('reason' in read) return { reason: `${name}: ${read.reason}` };
    const text = read.text;
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (error) {
      // V8's message quotes the text; a file that is not a preset must not be shown to whoever asks.
      const at = /position (\d+)/.exec(describeError(error))?.[1];
      return { reason: `${name}: not valid JSON${at ? ` (at character ${at})` : ''}` };
    }
    if (typeof doc !== 'object' || doc === null) return { reason: `${file}: not a preset object` };
    const version = (doc as { version?: unknown }).version;
    if (typeof version !== 'number' || version < 1 || version > PRESET_VERSION) {
      return { reason: `${name}: unknown preset version ${JSON.stringify(version)} (this host reads 1..${PRESET_VERSION})` };
    }
    const migrated = migrate(doc as Record<string, unknown>);
    const problems = validate(PresetSchema, migrated);
    if (problems.length) return { reason: `${name}: ${problems.join('; ')}` };
    return { preset: migrated as Preset };
  }
}
