import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeParams, type ParamInfo } from '../../core/params.js';
import type { GpuDevice } from '../../gpu/gpu-device.js';
import { builtinShaderFiles } from '../../pipelines/gpu/library.js';
import type { PipelineRegistry } from '../../pipelines/registry.js';
import { meanAbsDiff } from '../helpers/frames.js';
import { gpuEngine, maxDiff, openTestGpu, psnr, readPng, writePng, type ChainRef } from '../helpers/gpu-render.js';

// Every built-in shader effect on the real WebGPU implementation (Mesa's lavapipe here and in CI), on a
// still test pattern at 96x54, frame 3 of the manual clock (time 0.1 s, beat 0.2 at 120 BPM), with a
// sound on the bus and in the spectrum (shaders read both without a route).
const SIZE = { width: 96, height: 54 };
const FRAMES = 3;
const REFERENCES = path.resolve('tests/fixtures/gpu-references');
// UPDATE_GPU_REFERENCES=1 writes the references from this run (after a deliberate change of an effect's look).
const UPDATE = process.env.UPDATE_GPU_REFERENCES === '1';
const MIN_PSNR_DB = 40;

/** Settings a parameter's check starts from, where the defaults hide it (a centre needs a zoom to show). */
// Scanlines finer than the test's 54 rows alias into the same pattern.
const BASE: Record<string, Record<string, unknown>> = { 'feedback-gpu': { zoom: 1.1, mix: 0.5 }, 'film-grain': { lines: 50 } };

let gpu: GpuDevice;
let registry: PipelineRegistry;
let input: Uint8Array;
const files = builtinShaderFiles();

/** The sound every render hears: the low band full and a spectrum that rises from low to high. */
function sound(engine: Awaited<ReturnType<typeof gpuEngine>>['engine']): void {
  const slot = engine.modulation.bus.register('audio:low', 'unipolar');
  if (slot !== null) engine.modulation.bus.set(slot, 1, 0);
  engine.spectrum.forEach((_, i, bins) => (bins[i] = (i + 1) / bins.length));
}

async function render(chain: ChainRef[]): Promise<Uint8Array> {
  const { engine, step } = await gpuEngine(registry, chain, { size: `${SIZE.width}x${SIZE.height}` });
  try {
    sound(engine);
    return await step(FRAMES);
  } finally {
    await engine.stop();
  }
}

/** A value of the parameter away from `from`, inside its range. */
function otherValue(p: ParamInfo, from: unknown): unknown[] {
  switch (p.kind) {
    case 'number':
    case 'integer': {
      const v = Number(from);
      const targets = [p.min! + (v - p.min!) * 0.3, v + (p.max! - v) * 0.5].filter((t) => Math.abs(t - v) > 1e-6);
      return targets.map((t) => (p.kind === 'integer' ? Math.round(t) : t));
    }
    case 'boolean':
      return [!from];
    case 'enum':
      return p.options!.filter((o) => o !== from);
    case 'color':
      return [from === '#ff00ff' ? '#00ffff' : '#ff00ff'];
    case 'vector':
      return [(from as number[]).map((c) => c + (p.max! - c) * 0.5)];
    case 'string':
      return [];
  }
}

beforeAll(async () => {
  ({ gpu, registry } = await openTestGpu());
  input = await render([]);
});
afterAll(() => gpu?.close());

describe('the built-in GPU effects', () => {
  it('are at least the sixteen a VJ expects, each with its parameters declared once in its file', () => {
    expect(files.length).toBeGreaterThanOrEqual(16);
    for (const id of ['kaleidoscope', 'mirror', 'tunnel', 'rgb-split', 'pixelate', 'posterize', 'color-adjust', 'blur', 'bloom', 'edges', 'warp', 'luma-key', 'chroma-key', 'strobe', 'time-echo', 'film-grain', 'feedback-gpu', 'spectrum-bars']) {
      expect(registry.get(id), id).toBeDefined();
    }
  });

  for (const file of files) {
    it(`${file.id}: matches its reference picture, leaves the input alone with its identity settings, and every parameter moves the picture`, async () => {
      const out = await render([{ pipeline: file.id }]);
      const reference = path.join(REFERENCES, `${file.id}.png`);
      if (UPDATE) await writePng(reference, out, SIZE.width, SIZE.height);
      expect(psnr(out, await readPng(reference)), 'PSNR against the reference (dB)').toBeGreaterThan(MIN_PSNR_DB);

      const identity = await render([{ pipeline: file.id, params: file.identity }]);
      expect(maxDiff(identity, input), 'identity settings: the input back within one level').toBeLessThanOrEqual(1);

      const base = { ...BASE[file.id] };
      const from = await render([{ pipeline: file.id, params: base }]);
      for (const p of describeParams(registry.get(file.id)!.params)) {
        let moved = 0;
        for (const value of otherValue(p, base[p.name] ?? p.default)) {
          const out = await render([{ pipeline: file.id, params: { ...base, [p.name]: value } }]);
          moved = Math.max(moved, meanAbsDiff(out, from));
        }
        expect(moved, `${file.id}.${p.name} changes the picture`).toBeGreaterThan(0.05);
      }
    }, 60_000);
  }
});
