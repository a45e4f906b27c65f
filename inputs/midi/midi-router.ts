import type { Log } from '../../core/log.js';
import { MidiClock } from './midi-clock.js';
import { MidiParser, type MidiEvent } from './midi-parser.js';
import { MidiSignals, portKey } from './midi-signals.js';
import type { InputPort } from '../port.js';
import { MidiMappings, type MidiMapping } from './midi-mappings.js';
import { paramKinds } from '../../params/kinds.js';

export interface LearnResult {
  target: string;
  source: string;
  /** What was created: a modulation route (numbers) or a mapping (booleans, choices, actions). */
  kind: 'route' | 'mapping';
}

type ProgramListener = (e: { port: string; channel: number; program: number; time: number }) => void;
type NoteListener = (e: { port: string; channel: number; note: number; velocity: number; time: number }) => void;

/**
 * Everything MIDI does once bytes arrive from a port: parse, update signals, run mappings, learn,
 * follow the clock, and tell listeners (presets) about program changes and notes.
 */
export class MidiRouter {
  readonly mappings: MidiMappings;
  readonly clock = new MidiClock();
  private readonly signals: MidiSignals;
  private readonly parsers = new Map<string, MidiParser>();
  private armed: string | null = null;
  private readonly learnedListeners = new Set<(r: LearnResult) => void>();
  private readonly programListeners = new Set<ProgramListener>();
  private readonly noteListeners = new Set<NoteListener>();
  private lastBpmSet = 0;
  events = 0;

  constructor(
    private readonly engine: InputPort,
    private readonly log: Log,
  ) {
    this.signals = new MidiSignals(engine.modulation.bus);
    this.mappings = new MidiMappings(engine.params, engine.actions);
  }

  /** Raw bytes from an input port (the RtMidi callback, or a test). */
  receive(port: string, bytes: ArrayLike<number>, timeMs: number): void {
    let parser = this.parsers.get(port);
    if (!parser) {
      parser = new MidiParser((e) => this.onEvent(port, e));
      this.parsers.set(port, parser);
    }
    parser.feed(bytes, timeMs);
  }

  /** Arms MIDI learn: the next control that moves is mapped to `path`. */
  arm(path: string): { ok: true } | { ok: false; error: string } {
    const entry = this.engine.params.entry(path);
    if (!entry && !this.engine.actions.has(path)) return { ok: false, error: `${path}: no such parameter or action` };
    if (entry && paramKinds[entry.info.kind].midiLearn === null) {
      return { ok: false, error: `${path} (a ${entry.info.kind}) cannot be learned` };
    }
    this.armed = path;
    return { ok: true };
  }

  cancelLearn(): void {
    this.armed = null;
  }

  get learning(): string | null {
    return this.armed;
  }

  onLearned(listener: (r: LearnResult) => void): () => void {
    this.learnedListeners.add(listener);
    return () => this.learnedListeners.delete(listener);
  }

  /** Program changes, for preset recall. */
  onProgramChange(listener: ProgramListener): () => void {
    this.programListeners.add(listener);
    return () => this.programListeners.delete(listener);
  }

  /** Note-ons, for preset recall from pads. */
  onNote(listener: NoteListener): () => void {
    this.noteListeners.add(listener);
    return () => this.noteListeners.delete(listener);
  }

  loadMappings(mappings: MidiMapping[]): string[] {
    return mappings.map((m) => this.mappings.add(m)).filter((p): p is string => p !== null);
  }

  private onEvent(port: string, e: MidiEvent): void {
    this.events++;
    switch (e.type) {
      case 'clock':
        return this.onClock(e.time);
      case 'start':
        this.clock.start();
        if (this.clockSource() === 'midi') this.engine.actions.invoke('/clock/resync', [], e.time);
        return;
      case 'continue':
        this.clock.running = true;
        return;
      case 'stop':
        this.clock.stop();
        return;
      case 'songPosition':
        this.clock.songPosition(e.sixteenths);
        return;
      case 'programChange':
        for (const l of this.programListeners) l({ port, channel: e.channel, program: e.program, time: e.time });
        return;
      case 'noteOn':
      case 'noteOff':
      case 'cc':
      case 'cc14':
      case 'nrpn':
      case 'rpn':
      case 'pitchBend':
      case 'channelPressure':
      case 'polyPressure':
        break;
    }
    const signal = this.signals.handle(port, e, e.time);
    if (!signal) return;
    if (e.type === 'noteOn') for (const l of this.noteListeners) l({ port, channel: e.channel, note: e.note, velocity: e.velocity, time: e.time });
    if (this.armed && e.type !== 'noteOff') this.learn(this.armed, signal);
    const value = this.engine.modulation.bus.valueOf(signal) ?? 0;
    this.mappings.handle(signal, value, e.time, `midi:${portKey(port)}`);
  }

  private onClock(time: number): void {
    const bpm = this.clock.tick(time);
    // Following the clock every tick would flood feedback; a change a listener could hear is enough.
    if (bpm !== null && this.clockSource() === 'midi' && Math.abs(bpm - this.lastBpmSet) >= 0.05) {
      this.lastBpmSet = bpm;
      this.engine.params.set('/clock/bpm', bpm, 'midi-clock');
    }
  }

  private clockSource(): unknown {
    return this.engine.params.base('/clock/source');
  }

  private learn(target: string, source: string): void {
    this.armed = null;
    const entry = this.engine.params.entry(target);
    let result: LearnResult;
    const learnAs = entry ? paramKinds[entry.info.kind].midiLearn : 'trigger';
    if (learnAs !== 'route') {
      const mode = learnAs === 'toggle' || learnAs === 'select' ? learnAs : 'trigger';
      const problem = this.mappings.add({ source, target, mode });
      if (problem) {
        this.log.warn(`MIDI learn: ${problem}`);
        return;
      }
      result = { target, source, kind: 'mapping' };
    } else {
      // A knob learned onto a number sweeps the parameter's whole range; re-learning replaces it.
      const matrix = this.engine.modulation.matrix;
      for (const r of matrix.routes()) if (r.id?.startsWith('learn.') && r.target === target) matrix.removeRoute(r.id);
      const id = `learn${target.replace(/[^A-Za-z0-9_-]/g, '.')}`;
      const added = matrix.addRoute({ id, source, target, amount: 1, combine: 'last', absolute: true });
      if (!added.ok) {
        this.log.warn(`MIDI learn: ${added.problems.join('; ')}`);
        return;
      }
      result = { target, source, kind: 'route' };
    }
    this.log.info(`MIDI learn: ${source} -> ${target}`);
    for (const l of this.learnedListeners) l(result);
  }
}
