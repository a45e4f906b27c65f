/**
 * A streaming MIDI 1.0 parser: bytes in (from RtMidi's callback, a file or a test), events out.
 * Handles running status, 14-bit CC pairs (MSB 0-31 then LSB 32-63), NRPN/RPN with data entry and
 * increment/decrement, pitch bend, pressure, program change, realtime bytes anywhere (even inside
 * SysEx), song position; skips SysEx of any length and ignores stray data bytes.
 * Channels are 1-16 in events, as on a controller's display.
 */
export type MidiEvent =
  | { type: 'noteOn'; channel: number; note: number; velocity: number; time: number }
  | { type: 'noteOff'; channel: number; note: number; velocity: number; time: number }
  | { type: 'cc'; channel: number; controller: number; value: number; time: number }
  | { type: 'cc14'; channel: number; controller: number; value: number; time: number }
  | { type: 'nrpn' | 'rpn'; channel: number; parameter: number; value: number; time: number }
  | { type: 'pitchBend'; channel: number; value: number; time: number }
  | { type: 'channelPressure'; channel: number; value: number; time: number }
  | { type: 'polyPressure'; channel: number; note: number; value: number; time: number }
  | { type: 'programChange'; channel: number; program: number; time: number }
  | { type: 'clock' | 'start' | 'continue' | 'stop'; time: number }
  | { type: 'songPosition'; sixteenths: number; time: number };

interface ChannelState {
  msb: Int16Array; // last MSB per controller 0-31, -1 = none
  paramMsb: number;
  paramLsb: number;
  paramMode: 'nrpn' | 'rpn' | null;
  dataValue: number; // 14-bit, current NRPN/RPN value
}

/** Data bytes each status expects. */
function dataLength(status: number): number {
  switch (status & 0xf0) {
    case 0xc0:
    case 0xd0:
      return 1;
    case 0xf0:
      return status === 0xf2 ? 2 : status === 0xf1 || status === 0xf3 ? 1 : 0;
    default:
      return 2;
  }
}

export class MidiParser {
  private status = 0;
  private readonly data: number[] = [];
  private inSysex = false;
  private readonly channels: ChannelState[] = Array.from({ length: 16 }, () => ({
    msb: new Int16Array(32).fill(-1), paramMsb: 127, paramLsb: 127, paramMode: null, dataValue: 0,
  }));
  /** Data bytes that arrived with no status to belong to. */
  strayBytes = 0;
  sysexMessages = 0;

  constructor(private readonly emit: (event: MidiEvent) => void) {}

  feed(bytes: ArrayLike<number>, time: number): void {
    for (let i = 0; i < bytes.length; i++) this.byte(bytes[i]! & 0xff, time);
  }

  private byte(b: number, time: number): void {
    if (b >= 0xf8) return this.realtime(b, time); // may appear anywhere, changes nothing else
    if (b === 0xf0) {
      this.inSysex = true;
      this.status = 0;
      return;
    }
    if (b === 0xf7) {
      if (this.inSysex) this.sysexMessages++;
      this.inSysex = false;
      return;
    }
    if (b >= 0x80) {
      if (this.inSysex) {
        this.inSysex = false; // a status byte ends an unterminated SysEx
        this.sysexMessages++;
      }
      this.status = b;
      this.data.length = 0;
      if (dataLength(b) === 0) this.complete(time); // tune request etc.
      return;
    }
    if (this.inSysex) return;
    if (this.status === 0) {
      this.strayBytes++;
      return;
    }
    this.data.push(b);
    if (this.data.length === dataLength(this.status)) this.complete(time);
  }

  private realtime(b: number, time: number): void {
    switch (b) {
      case 0xf8:
        return this.emit({ type: 'clock', time });
      case 0xfa:
        return this.emit({ type: 'start', time });
      case 0xfb:
        return this.emit({ type: 'continue', time });
      case 0xfc:
        return this.emit({ type: 'stop', time });
      default:
        return; // active sensing, reset, undefined
    }
  }

  private complete(time: number): void {
    const status = this.status;
    const [d1 = 0, d2 = 0] = this.data;
    this.data.length = 0;
    if (status >= 0xf0) {
      // System common messages cancel running status.
      this.status = 0;
      if (status === 0xf2) this.emit({ type: 'songPosition', sixteenths: d1 | (d2 << 7), time });
      return;
    }
    const channel = (status & 0x0f) + 1;
    switch (status & 0xf0) {
      case 0x80:
        return this.emit({ type: 'noteOff', channel, note: d1, velocity: d2, time });
      case 0x90:
        return this.emit(d2 === 0 ? { type: 'noteOff', channel, note: d1, velocity: 0, time } : { type: 'noteOn', channel, note: d1, velocity: d2, time });
      case 0xa0:
        return this.emit({ type: 'polyPressure', channel, note: d1, value: d2, time });
      case 0xb0:
        return this.controlChange(channel, d1, d2, time);
      case 0xc0:
        return this.emit({ type: 'programChange', channel, program: d1, time });
      case 0xd0:
        return this.emit({ type: 'channelPressure', channel, value: d1, time });
      case 0xe0:
        return this.emit({ type: 'pitchBend', channel, value: d1 | (d2 << 7), time });
      default:
        return;
    }
  }

  private controlChange(channel: number, controller: number, value: number, time: number): void {
    const s = this.channels[channel - 1]!;
    this.emit({ type: 'cc', channel, controller, value, time });
    if (controller < 32) {
      s.msb[controller] = value;
    } else if (controller < 64) {
      const msb = s.msb[controller - 32]!;
      if (msb >= 0) this.emit({ type: 'cc14', channel, controller: controller - 32, value: (msb << 7) | value, time });
    }
    switch (controller) {
      case 99: // NRPN parameter MSB
        s.paramMode = 'nrpn';
        s.paramMsb = value;
        break;
      case 98:
        s.paramMode = 'nrpn';
        s.paramLsb = value;
        break;
      case 101: // RPN parameter MSB
        s.paramMode = 'rpn';
        s.paramMsb = value;
        break;
      case 100:
        s.paramMode = 'rpn';
        s.paramLsb = value;
        break;
      case 6: // data entry MSB
        this.parameterValue(channel, s, value << 7, time);
        break;
      case 38: // data entry LSB
        this.parameterValue(channel, s, (s.dataValue & 0x3f80) | value, time);
        break;
      case 96: // data increment
        this.parameterValue(channel, s, Math.min(16383, s.dataValue + 1), time);
        break;
      case 97: // data decrement
        this.parameterValue(channel, s, Math.max(0, s.dataValue - 1), time);
        break;
      default:
        break;
    }
  }

  private parameterValue(channel: number, s: ChannelState, value: number, time: number): void {
    // RPN 127/127 is "null": nothing selected.
    if (!s.paramMode || (s.paramMsb === 127 && s.paramLsb === 127)) return;
    s.dataValue = value;
    this.emit({ type: s.paramMode, channel, parameter: (s.paramMsb << 7) | s.paramLsb, value, time });
  }
}
