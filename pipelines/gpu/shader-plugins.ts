import fs from 'node:fs';
import path from 'node:path';
import { describeError } from '../../core/errors.js';
import type { Log } from '../../core/log.js';
import type { AnyPipelineDefinition } from '../contract.js';
import type { PipelineRegistry } from '../registry.js';
import type { GpuAccess } from './gpu-access.js';
import { parseShaderFile } from './shader-file.js';
import { shaderPipeline } from './shader-pipeline.js';
import { ShaderSlot } from './shader-slot.js';

/** Saves come as bursts of events (write, rename); one read after they settle. */
const SETTLE_MS = 60;

export interface ShaderPlugins {
  loaded: string[];
  /** Each shader plugin's slot by file name (its current code and its last error). */
  slots: Map<string, ShaderSlot>;
  /** Hears a shader saved with other inputs (the running show re-addresses its stages). */
  onInputsChanged: ((definition: AnyPipelineDefinition) => void) | null;
  stop(): void;
}

/**
 * Every `.wgsl` file in the plugins folder as a pipeline (its id: the file name without `.wgsl`),
 * watched while the host runs: a save recompiles the shader in every stage playing it, and a new file
 * becomes a new pipeline. A file that cannot be read or whose header is wrong is listed as failed.
 */
export function loadShaderPlugins(dir: string, registry: PipelineRegistry, gpu: GpuAccess, log: Log): ShaderPlugins {
  const slots = new Map<string, ShaderSlot>();
  const loaded: string[] = [];
  const add = (name: string): void => {
    const full = path.join(dir, name);
    try {
      const id = path.basename(name, '.wgsl').toLowerCase();
      const slot = new ShaderSlot(parseShaderFile(id, fs.readFileSync(full, 'utf8')), path.relative(process.cwd(), full) || full);
      registry.register(shaderPipeline(slot, gpu), slot.origin);
      slots.set(name, slot);
      loaded.push(id);
    } catch (error) {
      const failure = { source: full, reason: describeError(error) };
      registry.failed.push(failure);
      log.error({ plugin: full }, `shader plugin failed to load: ${failure.reason}`);
    }
  };
  let names: string[] = [];
  try {
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.wgsl')).sort();
  } catch {
    // No folder: nothing to load or watch (the JS plugin loader has said so).
  }
  for (const name of names) add(name);

  const changed = (name: string): void => {
    const slot = slots.get(name);
    if (!slot) {
      if (fs.existsSync(path.join(dir, name))) add(name);
      return;
    }
    let text: string;
    try {
      text = fs.readFileSync(path.join(dir, name), 'utf8');
    } catch {
      return; // Removed, or mid-rename: the next event reads it.
    }
    const inputs = JSON.stringify(slot.file.params);
    slot.update(text);
    if (slot.error) log.error(`${slot.origin}: ${slot.error} (the previous version keeps running)`);
    // New inputs: stages added from now on have them at their addresses.
    else if (JSON.stringify(slot.file.params) !== inputs) {
      const definition = shaderPipeline(slot, gpu);
      registry.replace(definition, slot.origin);
      plugins.onInputsChanged?.(definition);
    }
  };
  const plugins: ShaderPlugins = { loaded, slots, onInputsChanged: null, stop: watchShaders(dir, changed, log) };
  return plugins;
}

/** Calls `changed` with a `.wgsl` file's name once its save has settled; returns what stops watching. */
function watchShaders(dir: string, changed: (name: string) => void, log: Log): () => void {
  const pending = new Map<string, NodeJS.Timeout>();
  let watcher: fs.FSWatcher | null = null;
  try {
    watcher = fs.watch(dir, (_event, file) => {
      const name = file?.toString();
      if (!name?.endsWith('.wgsl')) return;
      clearTimeout(pending.get(name));
      pending.set(name, setTimeout(() => {
        pending.delete(name);
        changed(name);
      }, SETTLE_MS));
    });
    watcher.on('error', (error) => log.warn(`stopped watching ${dir}: ${describeError(error)}`));
  } catch {
    // A folder that cannot be watched still has its shaders; saves need a restart.
  }
  return () => {
    watcher?.close();
    for (const t of pending.values()) clearTimeout(t);
  };
}
