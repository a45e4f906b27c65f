import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describeError } from '../../core/errors.js';
import type { Log } from '../../core/log.js';
import { validate } from '../../core/validation.js';
import { ManifestSchema, type Manifest } from './manifest.js';
import { MANIFEST_KEY, readMetadataProps } from './onnx-metadata.js';
import { chooseProvider, type Provider } from './providers.js';
import { WorkerSession, type OrtSession } from './worker-session.js';

export type { OrtSession } from './worker-session.js';

/**
 * Reads and checks a manifest: a JSON file, or the manifest a model carries in its metadata
 * (`vj-host.manifest`); throws naming every bad field.
 */
export function readManifest(file: string): Manifest & { modelPath: string } {
  const embedded = file.endsWith('.onnx');
  let doc: unknown;
  try {
    if (embedded) {
      const text = readMetadataProps(fs.readFileSync(file))[MANIFEST_KEY];
      if (text === undefined) throw new Error(`carries no "${MANIFEST_KEY}" metadata`);
      doc = JSON.parse(text);
    } else {
      doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    }
  } catch (error) {
    throw new Error(`model manifest ${file}: ${describeError(error)}`, { cause: error });
  }
  if (embedded && typeof doc === 'object' && doc !== null) (doc as { model?: unknown }).model = path.basename(file);
  const problems = validate(ManifestSchema, doc);
  if (problems.length) throw new Error(`model manifest ${file} is invalid: ${problems.join('; ')}`);
  const manifest = doc as Manifest;
  return { ...manifest, modelPath: embedded ? path.resolve(file) : path.resolve(path.dirname(file), manifest.model) };
}

export function sha256Of(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Creates the session on its own thread (off the frame loop), on the configured provider or the CPU with a warning. */
export async function openSession(manifest: Manifest & { modelPath: string }, log: Log): Promise<OrtSession> {
  if (!fs.existsSync(manifest.modelPath)) throw new Error(`model file not found: ${manifest.modelPath}`);
  if (manifest.sha256) {
    const actual = sha256Of(manifest.modelPath);
    if (actual !== manifest.sha256) throw new Error(`model file ${manifest.modelPath} is not the one its manifest names (sha256 ${actual}, expected ${manifest.sha256})`);
  }
  const choice = await chooseProvider(manifest.provider as Provider, log);
  let session: WorkerSession;
  try {
    session = await WorkerSession.open(manifest.modelPath, choice.provider, {
      intraOpNumThreads: manifest.threads, interOpNumThreads: 1, graphOptimizationLevel: 'all', logSeverityLevel: 3,
    });
  } catch (error) {
    throw new Error(`${manifest.modelPath} is not a loadable ONNX model: ${describeError(error)}`, { cause: error });
  }
  if (session.providerWarning) log.warn(`model ${manifest.id}: ${session.providerWarning}`);
  session.adapter = session.provider === 'webgpu' ? choice.adapter : null;
  const problems = checkAgainstSession(manifest, session);
  if (problems.length) {
    await session.release().catch(() => {});
    throw new Error(`manifest ${manifest.id} does not match the model: ${problems.join('; ')}`);
  }
  return session;
}

/** The manifest's promises against the session's real inputs and outputs: names, element type, rank, layout, fixed sizes. */
export function checkAgainstSession(manifest: Manifest, session: OrtSession): string[] {
  const problems: string[] = [];
  const meta = new Map((session.inputMetadata ?? []).map((m) => [m.name, m]));
  const outMeta = new Map((session.outputMetadata ?? []).map((m) => [m.name, m]));
  for (const input of manifest.inputs) {
    if (!session.inputNames.includes(input.name)) {
      problems.push(`input "${input.name}" is not in the model (it has: ${session.inputNames.join(', ')})`);
      continue;
    }
    const m = meta.get(input.name);
    if (m?.type && m.type !== 'float32') problems.push(`input "${input.name}" is ${m.type} in the model; the manifest feeds float32`);
    if (input.role === 'image' && m?.shape) {
      if (m.shape.length !== 4) problems.push(`input "${input.name}" has rank ${m.shape.length} in the model; an image input needs rank 4 (${input.layout})`);
      else {
        const channelAxis = input.layout === 'NCHW' ? 1 : 3;
        const otherAxis = input.layout === 'NCHW' ? 3 : 1;
        const c = m.shape[channelAxis];
        const want = input.channels === 'Y' ? 1 : 3;
        if ((typeof c === 'number' && c !== want) || (typeof c !== 'number' && m.shape[otherAxis] === want)) {
          problems.push(`input "${input.name}" has ${c} at the channel axis of ${input.layout} (shape [${m.shape.join(', ')}]); is the layout ${input.layout === 'NCHW' ? 'NHWC' : 'NCHW'}?`);
        }
        const [h, w] = input.layout === 'NCHW' ? [m.shape[2], m.shape[3]] : [m.shape[1], m.shape[2]];
        if (input.size.mode === 'fixed' && ((typeof h === 'number' && h !== input.size.height) || (typeof w === 'number' && w !== input.size.width))) {
          problems.push(`input "${input.name}" is ${String(w)}x${String(h)} in the model; the manifest says ${input.size.width}x${input.size.height}`);
        }
        if (input.size.mode === 'dynamic' && (typeof h === 'number' || typeof w === 'number')) {
          problems.push(`input "${input.name}" has a fixed size in the model (${String(w)}x${String(h)}); the manifest says dynamic`);
        }
      }
    }
  }
  for (const n of session.inputNames) if (!manifest.inputs.some((i) => i.name === n)) problems.push(`model input "${n}" is not described by the manifest`);
  for (const output of manifest.outputs) {
    if (!session.outputNames.includes(output.name)) problems.push(`output "${output.name}" is not in the model (it has: ${session.outputNames.join(', ')})`);
    const m = outMeta.get(output.name);
    if (m?.shape && m.shape.length !== 4) problems.push(`output "${output.name}" has rank ${m.shape.length}; an image output needs rank 4`);
    else if (m?.shape) {
      const c = m.shape[output.layout === 'NCHW' ? 1 : 3];
      if (output.role === 'image' && typeof c === 'number' && c !== 3) problems.push(`output "${output.name}" has ${c} channels at the channel axis of ${output.layout}; an image output needs 3`);
      if (output.role === 'luma' && typeof c === 'number' && c !== 1) problems.push(`output "${output.name}" has ${c} channels at the channel axis of ${output.layout}; a luma output needs 1`);
      if (output.role === 'mask' && typeof c === 'number') {
        const highest = output.from === 'argmax' || output.from === 'softmax' ? Math.max(-1, ...(output.classes ?? [])) : (output.channel ?? 0);
        if (highest >= c) problems.push(`output "${output.name}" has ${c} channels; the manifest reads channel ${highest}`);
      }
    }
  }
  return problems;
}
