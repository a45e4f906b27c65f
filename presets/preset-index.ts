import type { Log } from '../core/log.js';
import { capProblems } from '../core/validation.js';
import type { Preset } from './preset.js';
import type { PresetStore } from './preset-store.js';

/**
 * The presets folder as the frame loop sees it: an in-memory index by bank, read off the frame loop one
 * reading at a time, so a recall never touches the disk.
 */
export class PresetIndex {
  private readonly byBank = new Map<string, Preset[]>();
  private reading: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: PresetStore,
    private readonly log: Log,
  ) {}

  /** Reads the folder again (after a save); resolves once the index holds what is on disk. */
  reindex(): Promise<void> {
    this.reading = this.reading.then(async () => {
      const { presets, problems } = await this.store.list();
      this.byBank.clear();
      for (const p of presets) this.byBank.set(p.bank, [...(this.byBank.get(p.bank) ?? []), p]);
      for (const problem of capProblems(problems.map((p) => p.reason))) this.log.warn(`preset skipped: ${problem}`);
    });
    return this.reading;
  }

  bank(bank: string): Preset[] {
    return this.byBank.get(bank) ?? [];
  }

  /** A preset of `bank` by slot number, by name, or by a slot number written as text. */
  find(bank: string, key: unknown): Preset | undefined {
    const list = this.bank(bank);
    if (typeof key === 'number') return list.find((p) => p.slot === Math.round(key));
    if (typeof key === 'string') return list.find((p) => p.name === key) ?? (/^\d+$/.test(key) ? list.find((p) => p.slot === Number(key)) : undefined);
    return undefined;
  }
}
