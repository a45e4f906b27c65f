import { spawner } from '../core/spawner.js';
import type { Log } from '../core/log.js';
import { RealtimeDriver } from '../core/driver.js';
import { describeError } from '../core/errors.js';
import type { PipelineRegistry } from '../pipelines/registry.js';
import { buildEngine } from '../host/build-engine.js';
import type { Engine } from '../host/engine.js';
import type { Show } from '../host/show.js';
import { formatStatusLine } from './status-line.js';
import { OscInput } from '../inputs/osc/osc-input.js';
import { OscQueryServer } from '../inputs/oscquery/oscquery-server.js';
import { startMidi, type MidiHandle } from '../inputs/midi/start-midi.js';
import { AudioInput } from '../inputs/audio/audio-input.js';
import { recallOnProgramChange, setupPresets } from '../host/presets-setup.js';
import { startKeyboard } from './keyboard.js';
import { startControlSurface } from './control-setup.js';
import { addGpuStats } from './gpu-setup.js';
import type { GpuAccess } from '../pipelines/gpu/gpu-access.js';
import type { ShaderPlugins } from '../pipelines/gpu/shader-plugins.js';

const STOP_DEADLINE_MS = 1500;

/** Runs a show until SIGINT/SIGTERM, then stops cleanly (outputs closed) and exits 0. */
export async function runHost(
  show: Show,
  registry: PipelineRegistry,
  log: Log,
  options: { status: boolean; resume: boolean; showFile?: string | null; fileShow?: Show | null; version?: string; gpu?: GpuAccess; shaders?: ShaderPlugins | null },
): Promise<void> {
  // Forked while the host is small: every ffmpeg after this starts through it, not through a fork of the host.
  spawner.warm();
  const engine = await buildEngine(show, registry, { driver: new RealtimeDriver(), log });
  if (options.gpu) addGpuStats(engine, options.gpu);
  if (options.shaders) options.shaders.onInputsChanged = (definition) => reportDropped(engine.redefinePipeline(definition).dropped, log);
  const presets = setupPresets(engine, show.presets, log.child({ part: 'presets' }), { resume: options.resume, registry });
  keepRunningOnStrayErrors(log);
  await presets.ready;
  await engine.start();
  const inputs = await startInputs(engine, show, log);
  const { osc, midi } = inputs;
  const control = show.control.enabled
    ? await startControlSurface({ engine, registry, presets, midi, osc, show, fileShow: options.fileShow ?? null, showFile: options.showFile ?? null, version: options.version ?? '0' }, show.control, log.child({ part: 'control' }))
    : null;
  log.info(
    { show: show.name, size: `${show.frameSize.width}x${show.frameSize.height}`, fps: show.fps, outputs: engine.outputList().map((o) => o.stats().detail) },
    `vj-host running "${show.name}" at ${show.frameSize.width}x${show.frameSize.height} ${show.fps} fps`,
  );
  const stopStatus = startStatus(engine, log, options.status);
  const stop = stopOnce(log, () => {
    stopStatus();
    stopKeyboard();
    presets.stop();
    options.shaders?.stop();
    return [inputs.stop(), engine.stop().then(() => options.gpu?.gpu?.close()), control?.close()];
  }, () => engine.stats().frames);
  const stopKeyboard = startKeyboard(engine, log, () => stop('key q'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

interface Inputs {
  osc: OscInput | null;
  midi: MidiHandle | null;
  stop(): Promise<void>;
}

/** OSC, OSCQuery, MIDI and audio, each as the show asks; one that cannot start is reported and the show goes on. */
async function startInputs(engine: Engine, show: Show, log: Log): Promise<Inputs> {
  const osc = show.osc.enabled ? new OscInput(engine, show.osc, log.child({ part: 'osc' })) : null;
  const oscPort = (await osc?.start()) ?? null;
  if (osc) engine.addStatsSection('osc', () => osc.stats());
  if (oscPort !== null) log.info({ oscPort }, `OSC listening on ${show.osc.bind}:${oscPort}`);
  const oscQuery = show.oscquery.enabled ? new OscQueryServer(engine, show.oscquery, () => oscPort, log.child({ part: 'oscquery' })) : null;
  const queryPort = (await oscQuery?.start()) ?? null;
  const midi = show.midi.enabled ? startMidi(engine, show.midi, log.child({ part: 'midi' })) : null;
  if (midi) recallOnProgramChange(midi.router, engine);
  const audio = show.audio.enabled ? new AudioInput(engine, show.audio, log.child({ part: 'audio' })) : null;
  if (audio) {
    engine.addStatsSection('audio', () => audio.stats());
    await audio.start();
  }
  if (queryPort !== null) log.info({ oscQueryPort: queryPort }, `OSCQuery at http://${show.oscquery.bind}:${queryPort}/`);
  return {
    osc,
    midi,
    async stop() {
      osc?.stop();
      midi?.stop();
      audio?.stop();
      await oscQuery?.stop();
    },
  };
}

/**
 * The stop a signal or the q key asks for: once, within STOP_DEADLINE_MS (a stuck plugin dispose must
 * not keep the process alive); a second signal exits at once.
 */
function stopOnce(log: Log, stopParts: () => unknown[], frames: () => number): (signal: string) => void {
  let stopping = false;
  return (signal) => {
    if (stopping) {
      log.warn('second stop signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info(`${signal}: stopping`);
    setTimeout(() => {
      log.error('stop took too long; exiting');
      process.exit(1);
    }, STOP_DEADLINE_MS).unref();
    Promise.all(stopParts().map((part) => Promise.resolve(part))).then(
      () => {
        log.info({ frames: frames() }, 'stopped');
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: describeError(error) }, 'error while stopping');
        process.exit(1);
      },
    );
  };
}

function startStatus(engine: Engine, log: Log, enabled: boolean): () => void {
  if (!enabled) return () => {};
  const tty = process.stderr.isTTY;
  let ticks = 0;
  const timer = setInterval(() => {
    const stats = engine.stats();
    if (tty) {
      process.stderr.write(`\r\x1b[K${formatStatusLine(stats)}`);
    } else if (ticks++ % 10 === 0) {
      log.info({ fps: stats.fps, frameMs: stats.frameMs, droppedFrames: stats.droppedFrames }, formatStatusLine(stats));
    }
  }, 1000);
  timer.unref();
  return () => {
    clearInterval(timer);
    if (tty) process.stderr.write('\n');
  };
}

/** Nothing from outside may crash the show: log what escaped and keep rendering. */
function keepRunningOnStrayErrors(log: Log): void {
  process.on('uncaughtException', (error) => log.error({ err: describeError(error), stack: error.stack }, 'uncaught exception (show continues)'));
  process.on('unhandledRejection', (reason) => log.error({ err: describeError(reason) }, 'unhandled rejection (show continues)'));
}

function reportDropped(dropped: string[], log: Log): void {
  for (const route of dropped) log.warn(`route ${route} dropped: the shader no longer has its target`);
}
