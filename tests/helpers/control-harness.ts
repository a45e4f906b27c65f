import fs from 'node:fs';
import { ManualDriver } from '../../core/driver.js';
import { silentLog } from '../../core/log.js';
import { buildEngine } from '../../host/build-engine.js';
import type { Engine } from '../../host/engine.js';
import { setupPresets, type PresetsHandle } from '../../host/presets-setup.js';
import { checkShow, type Show } from '../../host/show.js';
import { registerBuiltins } from '../../pipelines/builtins/index.js';
import { PipelineRegistry } from '../../pipelines/registry.js';
import { createControlServer, type ControlServer } from '../../control-surface/server.js';
import { tempDir } from './host-process.js';

export interface ControlHarness {
  engine: Engine;
  driver: ManualDriver;
  presets: PresetsHandle;
  server: ControlServer;
  show: Show;
  showFile: string;
  close(): Promise<void>;
}

/** The real engine (manual clock), presets in a temp folder and the control server, not listening (inject) unless asked. */
export async function controlHarness(
  options: { token?: string | null; changesPerSecond?: number; file?: Record<string, unknown>; commandLine?: (doc: Record<string, unknown>) => void } = {},
): Promise<ControlHarness> {
  const registry = new PipelineRegistry();
  registerBuiltins(registry);
  const dir = tempDir('control');
  const showFile = `${dir}/show.json`;
  const doc = {
    size: '64x36',
    decks: [
      { id: 'a', source: { pipeline: 'test-pattern' }, chain: [{ pipeline: 'feedback' }] },
      { id: 'b', source: { pipeline: 'solid' } },
    ],
    presets: { dir: `${dir}/presets`, autosave: false },
    media: { dir: `${dir}/media` },
    osc: { enabled: false },
    ...options.file,
  };
  fs.writeFileSync(showFile, JSON.stringify(doc));
  const fileShow = checkShow(doc, registry);
  // What the command line's overrides make of the file (--rtmp, --ui-port ...), as the CLI applies them.
  const running = structuredClone(doc) as Record<string, unknown>;
  options.commandLine?.(running);
  const show = checkShow(running, registry);
  const driver = new ManualDriver();
  const engine = await buildEngine(show, registry, { driver, log: silentLog });
  const presets = setupPresets(engine, show.presets, silentLog, { resume: false, registry });
  await presets.ready;
  await engine.start();
  const server = createControlServer(
    { engine, registry, presets, midi: null, show, fileShow, showFile, version: 'test' },
    { host: '127.0.0.1', port: 0, token: options.token ?? null, log: silentLog, ...(options.changesPerSecond ? { changesPerSecond: options.changesPerSecond } : {}) },
  );
  return {
    engine, driver, presets, server, show, showFile,
    async close() {
      await server.close();
      presets.stop();
      await engine.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
