import fs from 'node:fs';
import path from 'node:path';
import { describeError } from '../../core/errors.js';
import { distPath } from '../../core/dist-path.js';
import type { PipelineRegistry } from '../registry.js';
import { onnxPipeline } from './onnx-pipeline.js';
import { MANIFEST_KEY, readMetadataProps } from './onnx-metadata.js';

/**
 * Every model manifest (`*.json`) in a folder becomes a pipeline, and so does every `.onnx` file that
 * carries its own manifest in its metadata. A manifest that does not check is listed as failed with the
 * reason; the model file itself is opened (and checked against the manifest) when a show uses it, off
 * the frame loop.
 */
export function registerModels(dir: string, registry: PipelineRegistry): { loaded: string[]; failed: { source: string; reason: string }[] } {
  const result = { loaded: [] as string[], failed: [] as { source: string; reason: string }[] };
  let files: string[];
  try {
    const all = fs.readdirSync(dir);
    const manifests = all.filter((f) => f.endsWith('.json'));
    // A model that a manifest file already describes is that manifest's pipeline, not a second one.
    const described = new Set(manifests.map((f) => describedModel(path.join(dir, f))));
    files = [...manifests, ...all.filter((f) => f.endsWith('.onnx') && !described.has(f) && carriesManifest(path.join(dir, f)))].sort();
  } catch (error) {
    const failure = { source: dir, reason: `cannot read models folder: ${describeError(error)}` };
    result.failed.push(failure);
    registry.failed.push(failure);
    return result;
  }
  for (const f of files) {
    const file = path.join(dir, f);
    try {
      result.loaded.push(registry.register(onnxPipeline(file), file).id);
    } catch (error) {
      const failure = { source: file, reason: describeError(error) };
      result.failed.push(failure);
      registry.failed.push(failure);
    }
  }
  return result;
}

function carriesManifest(file: string): boolean {
  try {
    return MANIFEST_KEY in readMetadataProps(fs.readFileSync(file));
  } catch {
    return false;
  }
}

function describedModel(manifestFile: string): string | null {
  try {
    const model = (JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { model?: unknown }).model;
    return typeof model === 'string' ? path.basename(model) : null;
  } catch {
    return null;
  }
}

/**
 * The models that come with the host (the project's models/, each described in models/manifests): every
 * one whose model file is there, unless a model of the same id is registered already (the user's own
 * copy, from --models, wins).
 */
export function registerShippedModels(registry: PipelineRegistry): string[] {
  const root = path.resolve(distPath(import.meta.url), '..', 'models');
  const manifests = path.join(root, 'manifests');
  const loaded: string[] = [];
  let files: string[];
  try {
    files = fs.readdirSync(manifests).filter((f) => f.endsWith('.json')).sort();
  } catch {
    return loaded;
  }
  for (const f of files) {
    try {
      const definition = onnxPipeline(path.join(manifests, f), { modelDir: root });
      if (registry.get(definition.id) || !fs.existsSync(path.join(root, describedModel(path.join(manifests, f)) ?? ''))) continue;
      loaded.push(registry.register(definition, 'builtin model').id);
    } catch {
      // a shipped manifest that does not check is the project's bug, caught by its tests
    }
  }
  return loaded;
}
