import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import { encode } from 'node-osc';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../helpers/until.js';
import { ManualDriver } from '../../core/driver.js';
import { silentLog } from '../../core/log.js';
import { buildEngine } from '../../host/build-engine.js';
import { MidiRouter } from '../../inputs/midi/midi-router.js';
import { recallOnProgramChange, setupPresets } from '../../host/presets-setup.js';
import { checkShow } from '../../host/show.js';
import { ShmReader } from '../../outputs/shm/shm-reader.js';
import { LIVE_STATE_FILE } from '../../presets/live-state.js';
import { PresetStore } from '../../presets/preset-store.js';
import { registerBuiltins } from '../../pipelines/builtins/index.js';
import { PipelineRegistry } from '../../pipelines/registry.js';
import { CollectingOutput } from '../helpers/collecting-output.js';
import { recordingLog } from '../helpers/recording-log.js';
import { repoRoot, startHost, tempDir, uniqueShmName, writeJson, type HostProcess } from '../helpers/host-process.js';

const cleanup: string[] = [];
let host: HostProcess | null = null;
afterEach(async () => {
  await host?.stop('SIGKILL');
  host = null;
  for (const f of cleanup.splice(0)) fs.rmSync(f, { recursive: true, force: true });
});

function dir(label: string): string {
  const d = tempDir(label);
  cleanup.push(d);
  return d;
}

/** A show whose whole picture is one colour, so a recall is visible in any pixel. */
function solidShow(folder: string, shmName: string): string {
  cleanup.push(path.join('/dev/shm', shmName));
  return writeJson(folder, 'show.json', {
    size: '64x36', decks: [{ id: 'a', source: { pipeline: 'solid', params: { color: '#000000' } } }], outputs: [{ type: 'shm', name: shmName }],
  });
}

async function pixelBecomes(file: string, rgb: number[], ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  let last: number[] = [];
  while (Date.now() < deadline) {
    try {
      const reader = new ShmReader(file);
      const frame = reader.readLatest();
      reader.close();
      last = frame ? [...frame.data.subarray(0, 3)] : [];
      if (last.join() === rgb.join()) return;
    } catch {
      // not there yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`pixel stayed ${last.join()} instead of ${rgb.join()}`);
}

function sendOsc(port: number, address: string, ...args: unknown[]): Promise<void> {
  const socket = dgram.createSocket('udp4');
  return new Promise((resolve) => socket.send(encode({ oscType: 'message', address, args }), port, '127.0.0.1', () => { socket.close(); resolve(); }));
}

describe('presets with the real host', () => {
  it('OSC /preset/recall by name and by slot changes the output frame', async () => {
    const folder = dir('preset-osc');
    const presetsDir = path.join(folder, 'presets');
    const store = new PresetStore(presetsDir);
    await store.save({ name: 'Red', slot: 1, params: { '/deck/a/source/color': '#ff0000' } });
    await store.save({ name: 'Blue', slot: 2, params: { '/deck/a/source/color': '#0000ff' } });
    const shmName = uniqueShmName('preset-osc');
    host = startHost(['--show', solidShow(folder, shmName), '--presets', presetsDir]);
    await host.waitFor(/OSC listening on 127\.0\.0\.1:\d+/);
    await host.waitFor(/vj-host running/);
    const port = Number(/OSC listening on 127\.0\.0\.1:(\d+)/.exec(host.output())![1]);
    const file = path.join('/dev/shm', shmName);
    await pixelBecomes(file, [0, 0, 0]);
    await sendOsc(port, '/preset/recall', 'Red');
    await pixelBecomes(file, [255, 0, 0]);
    await sendOsc(port, '/preset/recall', 2);
    await pixelBecomes(file, [0, 0, 255]);
  });

  it('after SIGKILL, a restart resumes the live state (changes older than a second are kept)', async () => {
    const folder = dir('preset-crash');
    const presetsDir = path.join(folder, 'presets');
    const shmName = uniqueShmName('preset-crash');
    const show = solidShow(folder, shmName);
    const file = path.join('/dev/shm', shmName);
    host = startHost(['--show', show, '--presets', presetsDir]);
    await host.waitFor(/OSC listening on 127\.0\.0\.1:\d+/);
    const port = Number(/OSC listening on 127\.0\.0\.1:(\d+)/.exec(host.output())![1]);
    await sendOsc(port, '/deck/a/source/color', '#00ff00');
    await sendOsc(port, '/mixer/crossfade', 0.5);
    await pixelBecomes(file, [0, 255, 0]);
    // The live state is written at most once a second: wait until it holds the change, then kill.
    const liveState = path.join(presetsDir, LIVE_STATE_FILE);
    await until(() => {
      try {
        const saved = JSON.parse(fs.readFileSync(liveState, 'utf8')) as { params: Record<string, unknown> };
        return saved.params['/deck/a/source/color'] === '#00ff00' && saved.params['/mixer/crossfade'] === 0.5;
      } catch {
        return false; // not written yet
      }
    }, 5000, 'the live state on disk');
    await host.stop('SIGKILL');
    fs.rmSync(file, { force: true });

    host = startHost(['--show', show, '--presets', presetsDir]);
    await host.waitFor(/resumed the live state/);
    await pixelBecomes(file, [0, 255, 0]);
    expect(host.output()).toMatch(/resumed the live state saved at .*: \d+ parameters/);
  });

  it('a writer SIGKILLed at random moments 50 times never leaves a torn preset', async () => {
    const presetsDir = dir('preset-atomic');
    const store = new PresetStore(presetsDir);
    for (let i = 0; i < 5; i++) await store.save({ name: `Look ${i}`, params: { '/clock/bpm': 120 } });
    for (let round = 0; round < 50; round++) {
      const child = spawn(process.execPath, [path.join(repoRoot, 'tests', 'fixtures', 'preset-writer.mjs'), presetsDir, String(round * 1000)]);
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 40));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
    const { presets, problems } = await store.list();
    expect(problems).toEqual([]);
    expect(presets.map((p) => p.name).sort()).toEqual(['Look 0', 'Look 1', 'Look 2', 'Look 3', 'Look 4']);
    for (const p of presets) {
      // Whole versions only: the tag names the counter that wrote the params.
      if (p.tags.length) expect(Object.values(p.params).filter((v) => v === Number(p.tags[0]!.slice(1))).length).toBe(200);
    }
    // Fifty Node starts: about 25 s on a quiet machine, twice that beside the suite on two cores.
  }, 180_000);

  it('a hand-corrupted file is reported and skipped; the rest list and recall fine', async () => {
    const presetsDir = dir('preset-corrupt');
    const store = new PresetStore(presetsDir);
    await store.save({ name: 'Fine', slot: 0, params: { '/mixer/crossfade': 1 } });
    await store.save({ name: 'Broken', slot: 1, params: { '/mixer/crossfade': 0.5 } });
    const broken = path.join(presetsDir, 'default', 'Broken.json');
    fs.writeFileSync(broken, fs.readFileSync(broken, 'utf8').slice(0, 40));
    const warnings: string[] = [];
    const registry = new PipelineRegistry();
    registerBuiltins(registry);
    const show = checkShow({ size: '32x18', decks: [{ id: 'a', source: { pipeline: 'solid' } }], presets: { dir: presetsDir, autosave: false } }, registry);
    const driver = new ManualDriver();
    const engine = await buildEngine(show, registry, { driver, log: silentLog });
    const presets = setupPresets(engine, show.presets, recordingLog(warnings), { resume: false });
    await presets.ready;
    await engine.start();
    expect(warnings.some((w) => /Broken\.json: not valid JSON/.test(w))).toBe(true);
    expect(presets.cached('default').map((p) => p.name)).toEqual(['Fine']);
  });
});

describe('MIDI program change recalls a preset (bytes through the parser; no MIDI device can exist here)', () => {
  it('program change 3 recalls slot 3 and the output frame changes', async () => {
    const presetsDir = dir('preset-midi');
    await new PresetStore(presetsDir).save({ name: 'Green', slot: 3, params: { '/deck/a/source/color': '#00ff00' } });
    const registry = new PipelineRegistry();
    registerBuiltins(registry);
    const show = checkShow({ size: '32x18', decks: [{ id: 'a', source: { pipeline: 'solid' } }], presets: { dir: presetsDir, autosave: false } }, registry);
    const driver = new ManualDriver();
    const engine = await buildEngine(show, registry, { driver, log: silentLog });
    const output = new CollectingOutput();
    engine.addOutput(output);
    await setupPresets(engine, show.presets, silentLog, { resume: false }).ready;
    const router = new MidiRouter(engine, silentLog);
    recallOnProgramChange(router, engine);
    await engine.start();
    driver.tick();
    expect(output.frames.at(-1)!.pixel0).toEqual([0, 0, 0, 255]);
    router.receive('Pads', [0xc0, 3], 0);
    driver.tick();
    expect(output.frames.at(-1)!.pixel0).toEqual([0, 255, 0, 255]);
  });
});
