/**
 * Every modulation signal by name ("lfo1:out", "clock:beat", "osc:/1/fader3"), each a slot holding
 * its latest value and the time it was sampled. Sources write slots; routes read them by index,
 * so evaluating the matrix does no lookups and no allocation per frame.
 */
export type Polarity = 'unipolar' | 'bipolar';

export interface SignalInfo {
  name: string;
  polarity: Polarity;
  description: string;
}

export const MAX_SIGNALS = 4096;

export class SignalBus {
  private readonly values = new Float64Array(MAX_SIGNALS);
  private readonly times = new Float64Array(MAX_SIGNALS);
  private readonly infos: SignalInfo[] = [];
  private readonly slots = new Map<string, number>();

  /** The slot of `name`, created on first use; null when the bus is full. */
  register(name: string, polarity: Polarity, description = ''): number | null {
    const existing = this.slots.get(name);
    if (existing !== undefined) return existing;
    if (this.infos.length >= MAX_SIGNALS) return null;
    const slot = this.infos.length;
    this.infos.push({ name, polarity, description });
    this.slots.set(name, slot);
    return slot;
  }

  slot(name: string): number | undefined {
    return this.slots.get(name);
  }

  set(slot: number, value: number, timeMs: number): void {
    this.values[slot] = value;
    this.times[slot] = timeMs;
  }

  /** Every slot's latest value, for hot loops that read many (the matrix). */
  get valuesView(): Float64Array {
    return this.values;
  }

  value(slot: number): number {
    return this.values[slot] ?? 0;
  }

  time(slot: number): number {
    return this.times[slot] ?? 0;
  }

  info(slot: number): SignalInfo | undefined {
    return this.infos[slot];
  }

  list(): readonly SignalInfo[] {
    return this.infos;
  }

  valueOf(name: string): number | undefined {
    const slot = this.slots.get(name);
    return slot === undefined ? undefined : this.values[slot];
  }
}
