import fs from 'node:fs';
import { createRequire } from 'node:module';
import { describeError } from '../../core/errors.js';
import { quietNative } from '../../core/libc.js';
import type { Log } from '../../core/log.js';
import { portKey } from './midi-signals.js';

interface RtMidiIn {
  getPortCount(): number;
  getPortName(i: number): string;
  openPort(i: number): void;
  closePort(): void;
  ignoreTypes(sysex: boolean, timing: boolean, sensing: boolean): void;
  on(event: 'message', cb: (deltaTime: number, message: number[]) => void): void;
}
interface RtMidiOut {
  getPortCount(): number;
  getPortName(i: number): string;
  openPort(i: number): void;
  closePort(): void;
  sendMessage(bytes: number[]): void;
}
interface MidiModule {
  Input: new () => RtMidiIn;
  Output: new () => RtMidiOut;
}

export type MidiState = 'starting' | 'running' | 'unavailable' | 'stopped';

/**
 * Hardware MIDI through @julusian/midi (RtMidi): opens every input whose name matches (substring, or
 * "*" for all), rescans every few seconds so a controller plugged in mid-show appears and one pulled out
 * is reported, and opens the same-named output for feedback. Where the system has no MIDI at all
 * (no ALSA sequencer), it says "MIDI unavailable: <reason>" once and the show goes on.
 */
export class MidiDevices {
  private midi: MidiModule | null = null;
  private readonly inputs = new Map<string, RtMidiIn>();
  private readonly outputs = new Map<string, RtMidiOut>();
  private timer: NodeJS.Timeout | null = null;
  private stateValue: MidiState = 'stopped';
  private reason: string | null = null;

  constructor(
    private readonly patterns: string[],
    private readonly onMessage: (port: string, bytes: number[], timeMs: number) => void,
    private readonly log: Log,
    private readonly rescanMs = 3000,
  ) {}

  get state(): MidiState {
    return this.stateValue;
  }

  get unavailableReason(): string | null {
    return this.reason;
  }

  ports(): string[] {
    return [...this.inputs.keys()];
  }

  start(): void {
    this.stateValue = 'starting';
    try {
      this.midi = quietNative(() => createRequire(import.meta.url)('@julusian/midi') as MidiModule);
    } catch (error) {
      return this.unavailable(`the MIDI library did not load (${describeError(error)})`);
    }
    this.rescan();
    this.timer = setInterval(() => this.rescan(), this.rescanMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    for (const input of this.inputs.values()) safely(() => input.closePort());
    for (const output of this.outputs.values()) safely(() => output.closePort());
    this.inputs.clear();
    this.outputs.clear();
    this.stateValue = 'stopped';
  }

  /** Feedback to a controller: its same-named output, when it has one. */
  send(key: string, bytes: number[]): void {
    const output = this.outputs.get(key);
    if (output) safely(() => output.sendMessage(bytes));
  }

  private rescan(): void {
    if (!this.midi) return;
    // Once the system has said no, ask again only when a sequencer has appeared: every failed attempt
    // makes ALSA print to stderr, and a show log is no place for that every 3 s.
    if (this.stateValue === 'unavailable' && process.platform === 'linux' && !fs.existsSync('/dev/snd/seq')) return;
    let names: string[];
    try {
      const probe = quietNative(() => new this.midi!.Input());
      names = Array.from({ length: probe.getPortCount() }, (_, i) => probe.getPortName(i));
      safely(() => probe.closePort());
    } catch (error) {
      return this.unavailable(describeError(error));
    }
    if (this.stateValue !== 'running') {
      this.stateValue = 'running';
      this.reason = null;
      this.log.info(`MIDI ready: ${names.length} input port(s)${names.length ? `: ${names.join(', ')}` : ''}`);
    }
    const wanted = names.filter((n) => this.patterns.some((p) => p === '*' || n.toLowerCase().includes(p.toLowerCase())));
    for (const [key, input] of this.inputs) {
      if (!wanted.some((n) => portKey(n) === key)) {
        safely(() => input.closePort());
        this.inputs.delete(key);
        this.outputs.delete(key);
        this.log.warn(`MIDI port gone: ${key} (unplugged?); it will be picked up again when it returns`);
      }
    }
    wanted.forEach((name) => {
      const key = portKey(name);
      if (this.inputs.has(key)) return;
      try {
        const input = quietNative(() => new this.midi!.Input());
        input.ignoreTypes(true, false, true); // keep clock, drop SysEx and active sensing at the source
        input.on('message', (_delta, message) => this.onMessage(key, message, performance.now()));
        input.openPort(names.indexOf(name));
        this.inputs.set(key, input);
        this.openOutput(name, key);
        this.log.info(`MIDI input opened: ${name}`);
      } catch (error) {
        this.log.warn(`MIDI input ${name} could not be opened: ${describeError(error)}`);
      }
    });
  }

  private openOutput(name: string, key: string): void {
    try {
      const output = new this.midi!.Output();
      const count = output.getPortCount();
      for (let i = 0; i < count; i++) {
        if (output.getPortName(i) === name) {
          output.openPort(i);
          this.outputs.set(key, output);
          return;
        }
      }
    } catch {
      // No output of that name: no feedback for it, input still works.
    }
  }

  private unavailable(reason: string): void {
    if (this.stateValue !== 'unavailable') this.log.warn(`MIDI unavailable: ${reason}. The show runs without MIDI; it is tried again every ${this.rescanMs / 1000} s.`);
    this.stateValue = 'unavailable';
    this.reason = reason;
  }
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // closing a port that is already gone
  }
}
