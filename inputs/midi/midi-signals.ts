import type { SignalBus } from '../../modulators/signal-bus.js';
import type { MidiEvent } from './midi-parser.js';

export const MAX_MIDI_SIGNALS = 2048;

/** "Launch Control XL:0" -> "Launch-Control-XL-0": signal names keep '/' and ':' for their own structure. */
export function portKey(portName: string): string {
  return portName.trim().replace(/[\s:/]+/g, '-').slice(0, 64) || 'port';
}

/**
 * MIDI controls as signals, created the first time they move: `midi:<port>/ch1/cc74` (0..1, 14-bit when
 * the controller sends LSBs), `.../note60` (velocity 0..1, 0 when released) and `.../note60/gate`,
 * `.../pb` (-1..1), `.../pressure`, `.../note60/pressure`, `.../nrpn<n>`, `.../rpn<n>`.
 */
export class MidiSignals {
  private count = 0;

  constructor(private readonly bus: SignalBus) {}

  /** Writes the event's signal(s); returns the main signal's name, for MIDI learn (null for clock etc.). */
  handle(port: string, e: MidiEvent, timeMs: number): string | null {
    const prefix = `midi:${portKey(port)}`;
    switch (e.type) {
      case 'cc':
        // The 7-bit value; a following LSB refines it through 'cc14'.
        return this.write(`${prefix}/ch${e.channel}/cc${e.controller}`, e.value / 127, 'unipolar', timeMs);
      case 'cc14':
        return this.write(`${prefix}/ch${e.channel}/cc${e.controller}`, e.value / 16383, 'unipolar', timeMs);
      case 'noteOn':
        this.write(`${prefix}/ch${e.channel}/note${e.note}/gate`, 1, 'unipolar', timeMs);
        return this.write(`${prefix}/ch${e.channel}/note${e.note}`, e.velocity / 127, 'unipolar', timeMs);
      case 'noteOff':
        this.write(`${prefix}/ch${e.channel}/note${e.note}/gate`, 0, 'unipolar', timeMs);
        return this.write(`${prefix}/ch${e.channel}/note${e.note}`, 0, 'unipolar', timeMs);
      case 'pitchBend':
        return this.write(`${prefix}/ch${e.channel}/pb`, (e.value - 8192) / 8192, 'bipolar', timeMs);
      case 'channelPressure':
        return this.write(`${prefix}/ch${e.channel}/pressure`, e.value / 127, 'unipolar', timeMs);
      case 'polyPressure':
        return this.write(`${prefix}/ch${e.channel}/note${e.note}/pressure`, e.value / 127, 'unipolar', timeMs);
      case 'nrpn':
      case 'rpn':
        return this.write(`${prefix}/ch${e.channel}/${e.type}${e.parameter}`, e.value / 16383, 'unipolar', timeMs);
      case 'programChange':
      case 'clock':
      case 'start':
      case 'continue':
      case 'stop':
      case 'songPosition':
        return null;
    }
  }

  private write(name: string, value: number, polarity: 'unipolar' | 'bipolar', timeMs: number): string | null {
    let slot = this.bus.slot(name);
    if (slot === undefined) {
      if (this.count >= MAX_MIDI_SIGNALS) return null;
      const created = this.bus.register(name, polarity, 'MIDI input');
      if (created === null) return null;
      slot = created;
      this.count++;
    }
    this.bus.set(slot, Math.max(polarity === 'bipolar' ? -1 : 0, Math.min(1, value)), timeMs);
    return name;
  }
}
