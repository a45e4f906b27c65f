import type { Engine } from '../host/engine.js';
import type { MidiHandle } from '../inputs/midi/start-midi.js';
import type { OscInput } from '../inputs/osc/osc-input.js';
import type { PresetsHandle } from '../host/presets-setup.js';
import type { Show } from '../host/show.js';
import type { PipelineRegistry } from '../pipelines/registry.js';

/** What the control surface works on: the running host's parts. */
export interface ControlDeps {
  engine: Engine;
  registry: PipelineRegistry;
  presets: PresetsHandle | null;
  midi: MidiHandle | null;
  osc?: OscInput | null;
  /** The show as it started (the base of a snapshot), and the file it came from (PUT saves there). */
  show: Show;
  /** The show file as the user wrote it, before the command line's overrides (null: the embedded default). */
  fileShow?: Show | null;
  showFile: string | null;
  version: string;
}
