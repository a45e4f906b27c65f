import type { HostSignals } from '../gpu/prelude.js';
import type { SignalBus } from '../modulators/signal-bus.js';
import type { AudioSignals } from '../pipelines/stage/gpu-chain.js';

const NAMES = { onset: 'audio:onset', low: 'audio:low', mid: 'audio:mid', high: 'audio:high', level: 'audio:rms' } as const;

/** What shaders read of the audio analysis without a route: the bus's audio signals and the spectrum (0 while there is no audio). */
export function audioForShaders(bus: SignalBus, spectrum: Float32Array): AudioSignals {
  const slots: Partial<Record<keyof typeof NAMES, number>> = {};
  const read = (key: keyof typeof NAMES): number => {
    // Audio starts after the decks; its signals appear on the bus then.
    const slot = (slots[key] ??= bus.slot(NAMES[key]));
    return slot === undefined ? 0 : bus.value(slot);
  };
  return {
    spectrum,
    fill(into: HostSignals) {
      into.onset = read('onset');
      into.low = read('low');
      into.mid = read('mid');
      into.high = read('high');
      into.level = read('level');
    },
  };
}
