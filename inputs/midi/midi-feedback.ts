import type { ModulationMatrix } from '../../modulators/matrix.js';
import type { ChangeOrigin, ParamEntry, ParamSpace } from '../../params/param-space.js';
import type { MidiMappings } from './midi-mappings.js';
import { paramKinds } from '../../params/kinds.js';

/** Sends raw MIDI bytes to the output that belongs to an input port (by the input's key). */
export type MidiSend = (portKey: string, bytes: number[]) => void;

interface Control {
  port: string;
  channel: number;
  kind: 'cc' | 'note';
  number: number;
}

/** "midi:Launch-Control/ch1/cc21" -> port, channel, CC 21; notes likewise; anything else -> null. */
export function parseControl(signal: string): Control | null {
  const m = /^midi:([^/]+)\/ch(\d+)\/(cc|note)(\d+)$/.exec(signal);
  if (!m) return null;
  return { port: m[1]!, channel: Number(m[2]), kind: m[3] as 'cc' | 'note', number: Number(m[4]) };
}

/**
 * Sends the current value back to mapped controls when it changes through another surface or a
 * preset (LED rings, motor faders, pad lights): latest value per control, flushed at 30 Hz, never
 * echoed to the controller the change came from.
 */
export class MidiFeedback {
  private readonly pending = new Map<string, { control: Control; value: number }>();
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  sent = 0;

  constructor(
    private readonly params: ParamSpace,
    private readonly mappings: MidiMappings,
    private readonly matrix: ModulationMatrix,
    private readonly send: MidiSend,
  ) {}

  start(): void {
    this.unsubscribe = this.params.onChange((entry, value, origin) => this.onChange(entry, value, origin));
    this.timer = setInterval(() => this.flush(), 1000 / 30);
    this.timer.unref();
  }

  stop(): void {
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
  }

  private onChange(entry: ParamEntry, value: unknown, origin: ChangeOrigin): void {
    const sources = [
      ...this.mappings.list().filter((m) => m.target === entry.path).map((m) => m.source),
      ...this.matrix.routes().filter((r) => r.absolute && r.target === entry.path).map((r) => r.source),
    ];
    for (const source of sources) {
      const control = parseControl(source);
      if (!control || origin === `midi:${control.port}`) continue;
      const position = toPosition(entry, value);
      if (position !== null) this.pending.set(source, { control, value: position });
    }
  }

  flush(): void {
    for (const { control, value } of this.pending.values()) {
      const status = (control.kind === 'cc' ? 0xb0 : value > 0 ? 0x90 : 0x80) | (control.channel - 1);
      this.send(control.port, [status, control.number, control.kind === 'cc' ? Math.round(value * 127) : value > 0 ? 127 : 0]);
      this.sent++;
    }
    this.pending.clear();
  }
}

/** A parameter value as a control position 0..1. */
function toPosition(entry: ParamEntry, value: unknown): number | null {
  return paramKinds[entry.info.kind].controlPosition(entry.info, value);
}
