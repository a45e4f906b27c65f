import type { Preset } from './preset.js';
import type { PresetIndex } from './preset-index.js';
import type { PresetInput, PresetStore } from './preset-store.js';

/**
 * Every write to the presets folder: saves and deletes re-read the index and move a revision (a surface
 * that sees it move reads the list again), and a save over a preset keeps the version it replaced, in
 * memory, for one undo (an undo is for the moment after a save, not a history).
 */
export class PresetWrites {
  private readonly replaced = new Map<string, Preset>();
  private revisionValue = 0;

  constructor(
    private readonly store: PresetStore,
    private readonly index: PresetIndex,
    private readonly defaultBank: string,
  ) {}

  get revision(): number {
    return this.revisionValue;
  }

  async save(input: PresetInput): Promise<Preset> {
    const before = this.index.find(input.bank ?? this.defaultBank, input.name);
    const preset = await this.store.save(input);
    if (before) this.replaced.set(`${preset.bank}/${preset.name}`, before);
    await this.changed();
    return preset;
  }

  async remove(bank: string, name: string): Promise<boolean> {
    const removed = await this.store.remove(bank, name);
    if (removed) await this.changed();
    return removed;
  }

  /** Writes back the version the last save over this preset replaced; null where none is kept. */
  async restore(bank: string, name: string): Promise<Preset | null> {
    const key = `${bank}/${name}`;
    const previous = this.replaced.get(key);
    if (!previous) return null;
    this.replaced.delete(key);
    const { version: _version, updated: _updated, ...content } = previous;
    const preset = await this.store.save(content);
    await this.changed();
    return preset;
  }

  private async changed(): Promise<void> {
    await this.index.reindex();
    this.revisionValue++;
  }
}
