import fs from 'node:fs';
import { describeError, ErrorCode, isVjError } from '../core/errors.js';
import { parseCliArgs, HELP, type CliOptions } from './cli-args.js';
import { defaultShow } from '../host/default-show.js';
import { createLogger } from './logger.js';
import { formatRegistry, setupRegistry } from './registry-setup.js';
import { runHost } from './run-host.js';
import { defaultModelsDir } from './models-command.js';
import { checkShow, loadShowFile, ShowError, type Show } from '../host/show.js';
import type { PipelineRegistry } from '../pipelines/registry.js';
import { findNdiSources } from '../ndi/finder.js';
import { loadNdiRuntime } from '../ndi/runtime.js';
import { listCameras } from '../pipelines/video/cameras.js';
import { GpuAccess } from '../pipelines/gpu/gpu-access.js';
import { openGpu } from './gpu-setup.js';
import { silentLog } from '../core/log.js';

const EXIT_USAGE = 2;

/** `vj-host [options]`: runs the host, or lists what it has (pipelines, cameras, NDI sources…). */
export async function main(argv: string[]): Promise<void> {
  let options: CliOptions;
  try {
    options = parseCliArgs(argv);
  } catch (error) {
    process.stderr.write(`vj-host: ${describeError(error)}\n`);
    process.exit(EXIT_USAGE);
  }
  if (options.help) {
    process.stdout.write(HELP);
    return;
  }
  if (options.version) {
    process.stdout.write(`${readVersion()}\n`);
    return;
  }
  const log = createLogger(options.logFormat, options.logLevel);
  // Models added with `vj-host models add` are there without --models.
  const models = options.models ?? (fs.existsSync(defaultModelsDir()) ? defaultModelsDir() : null);
  const gpu = new GpuAccess();
  const { registry, shaders } = await setupRegistry(options.plugins, log, models, gpu);
  if (await listed(options, registry, gpu)) {
    shaders?.stop();
    return;
  }
  let show: Show;
  let fileShow: Show | null;
  try {
    ({ show, fileShow } = resolveShow(options, registry));
  } catch (error) {
    if (error instanceof ShowError) {
      process.stderr.write(`vj-host: ${error.message}\n`);
      process.exit(EXIT_USAGE);
    }
    throw error;
  }
  await openGpu(show.gpu, gpu, registry, log);
  try {
    await runHost(show, registry, log, { gpu, shaders, status: options.status, resume: options.resume, showFile: options.show, fileShow, version: readVersion() });
  } catch (error) {
    // Routes are checked against the built address space: still a bad show, still exit 2.
    if (isVjError(error) && error.code === ErrorCode.ShowInvalid) {
      process.stderr.write(`vj-host: ${error.message}\n`);
      process.exit(EXIT_USAGE);
    }
    throw error;
  }
}

/** The --list-* options: prints the list asked for; true when one was. */
async function listed(options: CliOptions, registry: PipelineRegistry, gpu: GpuAccess): Promise<boolean> {
  if (options.listNdiSources) {
    process.exitCode = await printNdiSources();
  } else if (options.listCameras) {
    const { cameras, note } = await listCameras();
    for (const c of cameras) process.stdout.write(`${c.source}\t${c.name}\n${c.formats.map((f) => `    ${f.format}: ${f.sizes.join(' ')}`).join('\n')}\n`);
    if (note) process.stdout.write(`${note}\n`);
  } else if (options.listPipelines) {
    // With the GPU asked for, so the list says which GPU effects cannot run here.
    await openGpu(options.gpu ?? 'auto', gpu, registry, silentLog);
    process.stdout.write(`${formatRegistry(registry)}\n`);
    gpu.gpu?.close();
  } else return false;
  return true;
}

/** The show file (or the embedded default) with command-line overrides applied, checked as one. */
function resolveShow(options: CliOptions, registry: PipelineRegistry): { show: Show; fileShow: Show | null } {
  const base = options.show ? loadShowFile(options.show, registry) : checkShow(defaultShow, registry, 'default show');
  // A copy: the file's own show stays as written (the control surface saves from it).
  const { frameSize: _, ...document } = structuredClone(base);
  if (options.fps !== null) document.fps = options.fps;
  if (options.size) document.size = `${options.size.width}x${options.size.height}`;
  if (options.presets !== null) document.presets = { ...document.presets, dir: options.presets };
  if (options.gpu !== null) document.gpu = options.gpu;
  if (options.media !== null) document.media = { ...document.media, dir: options.media };
  if (options.oscPort !== null) document.osc = { ...document.osc, port: options.oscPort };
  if (options.oscQueryPort !== null) document.oscquery = { ...document.oscquery, port: options.oscQueryPort };
  if (options.uiPort !== null) document.control = { ...document.control, port: options.uiPort };
  if (options.lan) document.control = { ...document.control, lan: true };
  if (!options.ui) document.control = { ...document.control, enabled: false };
  if (options.shmName !== null) {
    const shm = document.outputs.find((o) => o.type === 'shm');
    if (shm) shm.name = options.shmName;
    else document.outputs.push({ type: 'shm', name: options.shmName });
  }
  if (options.ndi && !document.outputs.some((o) => o.type === 'ndi')) document.outputs.push({ type: 'ndi' });
  if (options.rtmp !== null) document.outputs.push({ type: 'rtmp', url: options.rtmp });
  if (options.record !== null) document.outputs.push({ type: 'record', dir: options.record });
  return { show: checkShow(document, registry, options.show ?? 'default show'), fileShow: options.show ? base : null };
}

async function printNdiSources(): Promise<number> {
  try {
    const found = await findNdiSources(loadNdiRuntime(), { waitMs: 2000 });
    for (const s of found.sources) process.stdout.write(`${s.name}\t${s.url ?? ''}\n`);
    if (found.sources.length === 0) process.stdout.write('no NDI sources found\n');
    if (found.note) process.stderr.write(`note: ${found.note}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`vj-host: ${describeError(error)}\n`);
    return 1;
  }
}

function readVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

