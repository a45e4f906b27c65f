import type { Log } from '../../core/log.js';
import type { InputPort } from '../port.js';
import type { MidiConfig } from './midi-config.js';
import { MidiDevices } from './midi-devices.js';
import { MidiFeedback } from './midi-feedback.js';
import { MidiRouter } from './midi-router.js';

export interface MidiHandle {
  router: MidiRouter;
  devices: MidiDevices;
  feedback: MidiFeedback;
  stop(): void;
}

/** Wires hardware MIDI (when the system has any) to the router, its mappings and feedback. */
export function startMidi(engine: InputPort, config: MidiConfig, log: Log): MidiHandle {
  const router = new MidiRouter(engine, log);
  for (const problem of router.loadMappings(config.mappings)) log.warn(`MIDI mapping skipped: ${problem}`);
  const devices = new MidiDevices(config.inputs, (port, bytes, time) => router.receive(port, bytes, time), log);
  const feedback = new MidiFeedback(engine.feedback, router.mappings, engine.modulation.matrix, (port, bytes) => devices.send(port, bytes));
  devices.start();
  feedback.start();
  engine.addStatsSection('midi', () => ({ state: devices.state, reason: devices.unavailableReason, ports: devices.ports(), events: router.events, learning: router.learning }));
  return {
    router, devices, feedback,
    stop() {
      feedback.stop();
      devices.stop();
    },
  };
}
