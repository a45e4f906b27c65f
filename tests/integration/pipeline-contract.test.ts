import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFrame, type Frame } from '../../core/frame.js';
import { defaultParams, describeParams } from '../../core/params.js';
import { compileSchema } from '../../core/validation.js';
import { paramKinds } from '../../params/kinds.js';
import { ParamSpace } from '../../params/param-space.js';
import { registerBuiltins } from '../../pipelines/builtins/index.js';
import type { AnyParams, AnyPipelineDefinition } from '../../pipelines/contract.js';
import { registerModels } from '../../pipelines/onnx/register-models.js';
import { loadPlugins } from '../../pipelines/plugin-loader.js';
import { PipelineRegistry } from '../../pipelines/registry.js';
import { PresetStore } from '../../presets/preset-store.js';
import { repoRoot, tempDir } from '../helpers/host-process.js';
import { harness } from '../helpers/pipeline-harness.js';

/**
 * The contract every pipeline keeps, run over all of them: the built-ins, the plugin fixtures, and the
 * models the project ships (at a small working size). Shader effects join this list when they exist.
 */
const SIZE = { width: 64, height: 36 };
/** A fixture that throws on purpose (the host's fault isolation is tested with it): no contract to keep. */
const FAULT_FIXTURES = new Set(['always-throws']);
const dirs: string[] = [];
const registry = new PipelineRegistry();
registerBuiltins(registry);
await loadPlugins(path.join(repoRoot, 'tests', 'fixtures', 'plugins-good'), registry);
registerModels(shippedModelManifests(), registry);
const pipelines = registry.list().filter((e) => !FAULT_FIXTURES.has(e.id)).map((e) => registry.get(e.id)!);

/** The example manifests, pointed at the project's own copies of the models (as `vj-host models add` would install them). */
function shippedModelManifests(): string {
  const dir = tempDir('contract-models');
  dirs.push(dir);
  const examples = path.join(repoRoot, 'models', 'manifests');
  for (const file of fs.readdirSync(examples)) {
    const manifest = JSON.parse(fs.readFileSync(path.join(examples, file), 'utf8')) as { model: string };
    fs.writeFileSync(path.join(dir, file), JSON.stringify({ ...manifest, model: path.join(repoRoot, 'models', manifest.model) }));
  }
  return dir;
}

afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** Values other than the defaults, inside each parameter's range (a model file stays the manifest's own). */
function changedValues(definition: AnyPipelineDefinition): AnyParams {
  const values: AnyParams = {};
  for (const info of describeParams(definition.params)) {
    if (info.kind === 'number' || info.kind === 'integer') {
      const lo = info.min ?? 0;
      const hi = info.max ?? lo + 1;
      values[info.name] = paramKinds[info.kind].coerce(info, lo + (hi - lo) * 0.3).ok ? (paramKinds[info.kind].coerce(info, lo + (hi - lo) * 0.3) as { value: unknown }).value : info.default;
    } else if (info.kind === 'boolean') values[info.name] = !info.default;
    else if (info.kind === 'enum') values[info.name] = info.options!.at(-1);
    else if (info.kind === 'color') values[info.name] = '#123456';
    else values[info.name] = info.default;
  }
  // A model's working size is its cost: the suite keeps it small.
  if ('workingWidth' in values) Object.assign(values, { workingWidth: 32, workingHeight: 20 });
  return values;
}

function input(): Frame {
  const frame = createFrame(SIZE.width, SIZE.height);
  for (let i = 0; i < frame.data.length; i++) frame.data[i] = (i * 37) & 255;
  return frame;
}

describe('every pipeline keeps the pipeline contract', () => {
  it('covers the built-ins, the plugin fixtures and the shipped models', () => {
    expect(registry.failed).toEqual([]);
    expect(pipelines.map((d) => d.id)).toEqual(expect.arrayContaining(['test-pattern', 'feedback', 'solid', 'gradient', 'ndi-input', 'invert', 'style-candy', 'super-resolution', 'deeplab-person']));
  });

  for (const definition of pipelines) {
    describe(definition.id, () => {
      it('its defaults validate against its own schema', () => {
        const validate = compileSchema(definition.params);
        expect(validate(defaultParams(definition.params)), JSON.stringify(validate.errors)).toBe(true);
      });

      it('keeps the show size, and dispose gives back every frame it took', async () => {
        const h = await harness(definition, SIZE, changedValues(definition));
        const out = await h.instance.process(definition.kind === 'effect' ? input() : null, h.params, h.step());
        expect([out.width, out.height, out.data.length]).toEqual([SIZE.width, SIZE.height, SIZE.width * SIZE.height * 4]);
        await h.instance.dispose();
        expect(h.pool.available).toBe(h.pool.allocated);
      }, 30_000);

      it('its parameters survive a preset round trip', async () => {
        const dir = tempDir('contract');
        dirs.push(dir);
        const prefix = '/deck/a/fx/0';
        const live = new ParamSpace();
        live.add(prefix, definition.params, { ...defaultParams(definition.params) });
        for (const [name, value] of Object.entries(changedValues(definition))) expect(live.setNow(`${prefix}/${name}`, value).ok).toBe(true);
        const base = Object.fromEntries(live.list().map((e) => [e.path, e.base]));
        const store = new PresetStore(dir);
        await store.save({ name: 'round trip', params: base });
        const loaded = await store.load('default', 'round trip');
        const recalled = new ParamSpace();
        recalled.add(prefix, definition.params, { ...defaultParams(definition.params) });
        for (const [p, value] of Object.entries(loaded.params)) expect(recalled.setNow(p, value).ok).toBe(true);
        expect(Object.fromEntries(recalled.list().map((e) => [e.path, e.base]))).toEqual(base);
      });
    });
  }
});
