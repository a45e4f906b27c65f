import type { ModulationMatrix } from '../../modulators/matrix.js';
import type { ChangeOrigin, ParamEntry } from '../../params/param-space.js';
import type { FeedbackCoalescer, FeedbackHandle, PendingChange } from '../../params/feedback-coalescer.js';
import type { MidiMappings } from './midi-mappings.js';
import { paramKinds } from '../../params/kinds.js';

/** Sends raw MIDI bytes to the output that belongs to an input port (by the input's key); `bytes` is only valid during the call. */
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
 * preset (LED rings, motor faders, pad lights), through the host's feedback coalescer (latest value per
 * parameter, at most 30 sends a second), never echoed to the controller the change came from.
 */
export class MidiFeedback {
  private handle: FeedbackHandle | null = null;
  /** One message buffer per control, reused: feedback allocates nothing per change. */
  private readonly messages = new Map<string, number[]>();
  private readonly controls = new Map<string, Control | null>();
  sent = 0;

  constructor(
    private readonly coalescer: FeedbackCoalescer,
    private readonly mappings: MidiMappings,
    private readonly matrix: ModulationMatrix,
    private readonly send: MidiSend,
  ) {}

  start(): void {
    this.handle = this.coalescer.add({ wants: () => true, deliver: (changes) => this.deliver(changes) });
  }

  stop(): void {
    this.handle?.remove();
    this.handle = null;
  }

  /** Sends what is waiting at once (tests). */
  flush(): void {
    this.handle?.flush();
  }

  private deliver(changes: Iterable<PendingChange>): void {
    for (const { entry, value, origin } of changes) {
      for (const m of this.mappings.list()) if (m.target === entry.path) this.sendTo(m.source, entry, value, origin);
      for (const r of this.matrix.routes()) if (r.absolute && r.target === entry.path) this.sendTo(r.source, entry, value, origin);
    }
  }

  private sendTo(source: string, entry: ParamEntry, value: unknown, origin: ChangeOrigin): void {
    let control = this.controls.get(source);
    if (control === undefined) this.controls.set(source, (control = parseControl(source)));
    if (!control || origin === `midi:${control.port}`) return;
    const position = toPosition(entry, value);
    if (position === null) return;
    let message = this.messages.get(source);
    if (!message) this.messages.set(source, (message = [0, control.number, 0]));
    message[0] = (control.kind === 'cc' ? 0xb0 : position > 0 ? 0x90 : 0x80) | (control.channel - 1);
    message[2] = control.kind === 'cc' ? Math.round(position * 127) : position > 0 ? 127 : 0;
    this.send(control.port, message);
    this.sent++;
  }
}

/** A parameter value as a control position 0..1. */
function toPosition(entry: ParamEntry, value: unknown): number | null {
  return paramKinds[entry.info.kind].controlPosition(entry.info, value);
}
