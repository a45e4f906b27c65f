import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { describeError } from '../core/errors.js';
import { validate } from '../core/validation.js';
import { ManifestSchema, type Manifest } from '../pipelines/onnx/manifest.js';
import { MANIFEST_KEY, readMetadataProps } from '../pipelines/onnx/onnx-metadata.js';
import { openSession, sha256Of } from '../pipelines/onnx/model-loader.js';
import { silentLog } from '../core/log.js';
import { makeDirs } from '../core/make-dirs.js';

export const MODELS_HELP = `Usage: vj-host models add <file.onnx | http(s)://…/file.onnx> [--manifest m.json] [--id id] [--models dir]

Copies a model into the models folder (default: $XDG_DATA_HOME/vj-host/models, which the host
reads at start) with its SHA-256 and a manifest beside it. The manifest comes from --manifest, from
the model itself (metadata "${MANIFEST_KEY}"), or from the project's examples (models/manifests)
when the model is one they describe (matched by SHA-256). A URL is downloaded with its progress shown.
`;

/** The folder the host reads models from when --models is not given. */
export function defaultModelsDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share'), 'vj-host', 'models');
}

const examplesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'models', 'manifests');

/** `vj-host models …`: returns the exit code; messages go to stdout/stderr. */
export async function modelsCommand(argv: string[], out: (line: string) => void, err: (line: string) => void): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { manifest: { type: 'string' }, id: { type: 'string' }, models: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    err(`vj-host models: ${describeError(error)}\n${MODELS_HELP}`);
    return 2;
  }
  const [verb, source] = parsed.positionals;
  if (parsed.values.help || verb !== 'add' || !source) {
    (parsed.values.help ? out : err)(MODELS_HELP);
    return parsed.values.help ? 0 : 2;
  }
  const dir = path.resolve(parsed.values.models ?? defaultModelsDir());
  try {
    const added = await addModel(source, dir, { manifest: parsed.values.manifest ?? null, id: parsed.values.id ?? null }, err);
    out(`added ${added.id}: ${added.model} (sha256 ${added.sha256}), manifest ${added.manifestFile}`);
    return 0;
  } catch (error) {
    err(`vj-host models add: ${describeError(error)}`);
    // What the user gave is at fault (no such file, not a model, a manifest that does not fit): bad usage.
    return error instanceof ModelAddRefused ? 2 : 1;
  }
}

/** The model or manifest given cannot be added, for a reason in words. */
export class ModelAddRefused extends Error {}

export interface AddedModel {
  id: string;
  model: string;
  sha256: string;
  manifestFile: string;
}

export async function addModel(source: string, dir: string, options: { manifest: string | null; id: string | null }, progress: (line: string) => void): Promise<AddedModel> {
  makeDirs(dir);
  const isUrl = /^https?:\/\//i.test(source);
  const name = sanitizeName(isUrl ? decodeURIComponent(new URL(source).pathname.split('/').pop() ?? '') : path.basename(source));
  if (!isUrl) {
    const stat = fs.statSync(source, { throwIfNoEntry: false });
    if (!stat) throw new ModelAddRefused(`no such file: ${source}`);
    if (!stat.isFile()) throw new ModelAddRefused(`${source} is not a file`);
  }
  const staging = path.join(dir, `.${name}.${process.pid}.part`);
  try {
    if (isUrl) await download(source, staging, progress);
    else fs.copyFileSync(source, staging);
    const sha256 = sha256Of(staging);
    const manifest = findManifest(staging, sha256, options.manifest);
    if (options.id) manifest.id = options.id;
    const target = path.join(dir, name);
    if (fs.existsSync(target) && sha256Of(target) !== sha256) throw new Error(`${target} exists and is another model; remove it or rename this one`);
    const doc = { ...manifest, model: name, sha256 };
    const problems = validate(ManifestSchema, doc);
    if (problems.length) throw new ModelAddRefused(`the manifest is invalid: ${problems.join('; ')}`);
    await checkLoads(staging, source, doc);
    fs.renameSync(staging, target);
    const manifestFile = path.join(dir, `${doc.id}.json`);
    writeAtomically(manifestFile, `${JSON.stringify(doc, null, 2)}\n`);
    return { id: doc.id, model: target, sha256, manifestFile };
  } finally {
    fs.rmSync(staging, { force: true });
  }
}

/** Opens the model as the host will (onnxruntime, on its own thread) and matches it against its manifest. */
async function checkLoads(file: string, source: string, manifest: Manifest): Promise<void> {
  let session;
  try {
    session = await openSession({ ...manifest, sha256: undefined, modelPath: file }, silentLog);
  } catch (error) {
    const message = describeError(error).split(file).join(path.basename(source));
    throw new ModelAddRefused(/not a loadable/.test(message) ? `${path.basename(source)} is not an ONNX model onnxruntime can load` : message);
  }
  await session.release().catch(() => {});
}

function findManifest(model: string, sha256: string, manifestFile: string | null): Manifest {
  if (manifestFile) {
    try {
      return JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Manifest;
    } catch (error) {
      throw new ModelAddRefused(`cannot read the manifest ${manifestFile}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : describeError(error)}`);
    }
  }
  let embedded: string | undefined;
  try {
    embedded = readMetadataProps(fs.readFileSync(model))[MANIFEST_KEY];
  } catch (error) {
    throw new ModelAddRefused(describeError(error));
  }
  if (embedded !== undefined) return JSON.parse(embedded) as Manifest;
  for (const f of fs.existsSync(examplesDir) ? fs.readdirSync(examplesDir) : []) {
    const example = JSON.parse(fs.readFileSync(path.join(examplesDir, f), 'utf8')) as Manifest;
    if (example.sha256 === sha256) return example;
  }
  throw new ModelAddRefused(`no manifest for this model (sha256 ${sha256}): give one with --manifest (see models/manifests for examples)`);
}

async function download(url: string, file: string, progress: (line: string) => void): Promise<void> {
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`download of ${url} failed: HTTP ${response.status}`);
  const total = Number(response.headers.get('content-length')) || 0;
  let received = 0;
  let lastBucket = -1;
  const counted = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
  counted.on('data', (chunk: Buffer) => {
    received += chunk.length;
    // A line each time another tenth has arrived (or each MB when the size is unknown).
    const percent = total ? Math.floor((received / total) * 100) : -1;
    const bucket = total ? Math.floor(percent / 10) : Math.floor(received / 1e6);
    if (bucket !== lastBucket) {
      lastBucket = bucket;
      progress(total ? `downloading ${percent}% (${mb(received)} of ${mb(total)} MB)` : `downloading ${mb(received)} MB`);
    }
  });
  await pipeline(counted, fs.createWriteStream(file));
  if (total && received !== total) throw new Error(`download of ${url} ended early: ${received} of ${total} bytes`);
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

function sanitizeName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,200}\.onnx$/.test(name)) throw new ModelAddRefused(`"${name}" is not a usable model file name (letters, digits, . _ - and ending in .onnx)`);
  return name;
}

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}
