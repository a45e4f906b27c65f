import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Log } from '../../core/log.js';
import type { GpuDevice } from '../../gpu/gpu-device.js';
import type { GpuAccess } from '../../pipelines/gpu/gpu-access.js';
import { loadShaderPlugins, type ShaderPlugins } from '../../pipelines/gpu/shader-plugins.js';
import type { PipelineRegistry } from '../../pipelines/registry.js';
import { gpuEngine, openTestGpu } from '../helpers/gpu-render.js';
import { tempDir } from '../helpers/host-process.js';
import { until } from '../helpers/until.js';

// A shader plugin in a real plugins folder, edited while the show runs (the real file watcher, the real
// WebGPU compiler on lavapipe).
const dir = tempDir('shaders');
const file = path.join(dir, 'tint.wgsl');
const logged: string[] = [];
const log: Log = { debug() {}, info: (...a: unknown[]) => void logged.push(a.map(String).join(' ')), warn: (...a: unknown[]) => void logged.push(a.map(String).join(' ')), error: (...a: unknown[]) => void logged.push(a.map(String).join(' ')), child: () => log };
let gpu: GpuDevice;
let registry: PipelineRegistry;
let access: GpuAccess;
let plugins: ShaderPlugins;

const header = (inputs: string) => `/*{
  "NAME": "Tint",
  "DESCRIPTION": "Multiplies the picture by a colour.",
  "INPUTS": [${inputs}]
}*/
`;
const AMOUNT = '{ "NAME": "amount", "TYPE": "float", "MIN": 0, "MAX": 1, "DEFAULT": 1, "LABEL": "Amount" }';
const red = `${header(AMOUNT)}fn render(uv: vec2f) -> vec4f {
  let c = input(uv);
  return vec4f(c.r, c.g * (1.0 - params.amount), c.b * (1.0 - params.amount), c.a);
}
`;
const green = red.replace('c.r, c.g * (1.0 - params.amount)', 'c.r * (1.0 - params.amount), c.g');

beforeAll(async () => {
  ({ gpu, registry, access } = await openTestGpu());
  fs.writeFileSync(file, red);
  plugins = loadShaderPlugins(dir, registry, access, log);
});
afterAll(() => {
  plugins?.stop();
  gpu?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const channels = (f: Uint8Array) => {
  const sum = [0, 0, 0];
  for (let i = 0; i < f.length; i += 4) for (let c = 0; c < 3; c++) sum[c]! += f[i + c]!;
  return sum.map((s) => s / (f.length / 4));
};

describe('a shader plugin', () => {
  it('is a pipeline like any other, named from its ISF-style header, its inputs parameters', () => {
    expect(plugins.loaded).toEqual(['tint']);
    const entry = registry.list().find((e) => e.id === 'tint')!;
    expect(entry).toMatchObject({ name: 'Tint', kind: 'effect', description: 'Multiplies the picture by a colour.' });
    expect(entry.params).toEqual([expect.objectContaining({ name: 'amount', kind: 'number', min: 0, max: 1, default: 1, label: 'Amount' })]);
  });

  it('saved while the show runs: the new code takes over; a broken save keeps the old code running and says line:column; a shader the device refuses says why; new inputs start at their defaults at addresses of their own', async () => {
    const { engine, step } = await gpuEngine(registry, [{ pipeline: 'tint', params: { amount: 0.9 } }], { log });
    // As the host wires it: a save with other inputs re-addresses the stages playing the shader.
    plugins.onInputsChanged = (definition) => void engine.redefinePipeline(definition);
    try {
      const [r, g] = channels(await step(2));
      expect(r).toBeGreaterThan(g! * 3);

      fs.writeFileSync(file, green);
      await until(async () => {
        const [r2, g2] = channels(await step(1));
        return g2! > r2! * 3;
      }, 10_000, 'the green version in the output');
      const greenFrame = await step(1);

      // Line 7 of the file, column 10: an unknown name.
      fs.writeFileSync(file, green.replace('let c = input(uv);', 'let c = inptu(uv);'));
      const stage = () => engine.stats().stages[1]!;
      await until(() => /tint\.wgsl:7:11: unresolved call target 'inptu'/.test(stage().status?.error ?? ''), 10_000, 'the compile error, with its line and column');
      expect(logged.some((l) => l.includes('tint.wgsl:7:11') && l.includes('previous version keeps running'))).toBe(true);
      expect(await step(2)).toEqual(greenFrame);

      fs.writeFileSync(file, green.replace('fn render', 'var<private> big: array<vec4f, 60000>;\nfn render').replace('let c = input(uv);', 'let c = input(uv) + big[3];'));
      await until(() => /the device refused the shader/.test(stage().status?.error ?? ''), 10_000, 'the device\'s refusal');
      const frames = engine.stats().frames;
      expect(await step(3)).toEqual(greenFrame);
      expect(engine.stats().frames).toBe(frames + 4);

      // A second input: the one kept keeps its value (0.9), the new one starts at its default.
      const BOOST = '{ "NAME": "boost", "TYPE": "float", "MIN": 0, "MAX": 2, "DEFAULT": 1 }';
      fs.writeFileSync(file, green.replace(header(AMOUNT), header(`${AMOUNT}, ${BOOST}`)).replace('c.g,', 'c.g * params.boost,'));
      await until(async () => stage().status?.error === null && engine.params.has('/deck/a/fx/0/boost') && channels(await step(1))[1]! > 0, 10_000, 'the version with two inputs');
      expect(await step(1)).toEqual(greenFrame);
      expect(registry.list().find((e) => e.id === 'tint')!.params.map((p) => p.name)).toEqual(['amount', 'boost']);
      // The new input is an address of the running stage like any other, and moves the picture.
      expect(engine.params.base('/deck/a/fx/0/amount')).toBe(0.9);
      expect(engine.params.setNow('/deck/a/fx/0/boost', 0).ok).toBe(true);
      expect(channels(await step(1))[1]).toBeLessThan(channels(greenFrame)[1]! / 2);
    } finally {
      await engine.stop();
    }
  }, 60_000);
});
