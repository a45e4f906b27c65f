import fs from 'node:fs';
import path from 'node:path';
import { describeError } from '../../core/errors.js';
import type { PipelineRegistry } from '../registry.js';
import { onnxPipeline } from './onnx-pipeline.js';

/**
 * Every model manifest (`*.json`) in a folder becomes a pipeline. A manifest that does not check is
 * listed as failed with the reason; the model file itself is opened (and checked against the manifest)
 * when a show uses it, off the frame loop.
 */
export function registerModels(dir: string, registry: PipelineRegistry): { loaded: string[]; failed: { source: string; reason: string }[] } {
  const result = { loaded: [] as string[], failed: [] as { source: string; reason: string }[] };
  let files: string[];
  try {
    files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
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
