import fs from 'node:fs';
import path from 'node:path';
import type { Log } from '../core/log.js';
import { registerBuiltins } from '../pipelines/builtins/index.js';
import { loadPlugins } from '../pipelines/plugin-loader.js';
import { PipelineRegistry } from '../pipelines/registry.js';
import { registerModels, registerShippedModels } from '../pipelines/onnx/register-models.js';
import type { GpuAccess } from '../pipelines/gpu/gpu-access.js';
import { registerShaderEffects } from '../pipelines/gpu/library.js';
import { loadShaderPlugins, type ShaderPlugins } from '../pipelines/gpu/shader-plugins.js';

/** Built-ins, model manifests (--models), the models that ship with the host, plus the plugins folder (the given one, or ./plugins when it exists). */
export async function setupRegistry(pluginsDir: string | null, log: Log, modelsDir: string | null, gpu: GpuAccess): Promise<{ registry: PipelineRegistry; shaders: ShaderPlugins | null }> {
  const registry = new PipelineRegistry();
  registerBuiltins(registry);
  registerShaderEffects(registry, gpu);
  if (modelsDir) {
    const models = registerModels(path.resolve(modelsDir), registry);
    if (models.loaded.length) log.info({ models: models.loaded }, `registered ${models.loaded.length} model pipeline(s) from ${modelsDir}`);
    for (const failure of models.failed) log.error({ manifest: failure.source }, `model manifest failed: ${failure.reason}`);
  }
  // After the user's: their own copy of a shipped model (same id) is the one used.
  registerShippedModels(registry);
  const dir = pluginsDir ?? (fs.existsSync('plugins') ? 'plugins' : null);
  if (dir) {
    const result = await loadPlugins(path.resolve(dir), registry);
    if (result.loaded.length) log.info({ plugins: result.loaded }, `loaded ${result.loaded.length} plugin pipeline(s) from ${dir}`);
    for (const failure of result.failed) log.error({ plugin: failure.source }, `plugin failed to load: ${failure.reason}`);
  }
  // Shader plugins (.wgsl) in the same folder, watched: a save recompiles them while the show runs.
  const shaders = dir ? loadShaderPlugins(path.resolve(dir), registry, gpu, log.child({ part: 'shaders' })) : null;
  if (shaders?.loaded.length) log.info({ shaders: shaders.loaded }, `loaded ${shaders.loaded.length} shader plugin(s) from ${dir}`);
  return { registry, shaders };
}

export function formatRegistry(registry: PipelineRegistry): string {
  const lines = registry.list().map((e) => {
    const params = e.params.map((p) => p.name).join(', ');
    const unavailable = e.unavailable ? `\n    UNAVAILABLE: ${e.unavailable}` : '';
    return `${e.id.padEnd(16)} ${e.kind.padEnd(9)} ${e.origin}${unavailable}\n    ${e.name}${e.description ? ` — ${e.description}` : ''}\n    params: ${params || '(none)'}`;
  });
  for (const f of registry.failed) lines.push(`FAILED           ${f.source}\n    ${f.reason}`);
  return lines.join('\n');
}
