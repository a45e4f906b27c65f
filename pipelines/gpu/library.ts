import fs from 'node:fs';
import path from 'node:path';
import { packagePath } from '../../core/dist-path.js';
import { feedbackParams } from '../builtins/feedback-params.js';
import type { PipelineRegistry } from '../registry.js';
import type { GpuAccess } from './gpu-access.js';
import { parseShaderFile, type ShaderFile } from './shader-file.js';
import { shaderPipeline } from './shader-pipeline.js';
import { ShaderSlot } from './shader-slot.js';

/** The built-in shader effects: one WGSL file each, its header declaring its parameters (as a plugin's does). */
export const EFFECTS_DIR = packagePath(import.meta.url, 'pipelines', 'gpu', 'effects');

/** Effects whose parameters are another pipeline's (declared once, there): the GPU feedback is the feedback effect's. */
const SHARED_PARAMS: Record<string, ShaderFile['params']> = { 'feedback-gpu': feedbackParams };

export function builtinShaderFiles(): ShaderFile[] {
  return fs
    .readdirSync(EFFECTS_DIR)
    .filter((name) => name.endsWith('.wgsl'))
    .sort()
    .map((name) => {
      const id = path.basename(name, '.wgsl');
      const file = parseShaderFile(id, fs.readFileSync(path.join(EFFECTS_DIR, name), 'utf8'));
      const params = SHARED_PARAMS[id];
      return params ? { ...file, params } : file;
    });
}

export function registerShaderEffects(registry: PipelineRegistry, access: GpuAccess): void {
  for (const file of builtinShaderFiles()) registry.register(shaderPipeline(new ShaderSlot(file, `${file.id}.wgsl`), access), 'builtin');
}
