import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualDriver } from '../../core/driver.js';
import { createFrame, type Frame } from '../../core/frame.js';
import { silentLog } from '../../core/log.js';
import { buildEngine } from '../../host/build-engine.js';
import { checkShow } from '../../host/show.js';
import { registerBuiltins } from '../../pipelines/builtins/index.js';
import { testPattern } from '../../pipelines/builtins/test-pattern.js';
import { onnxPipeline } from '../../pipelines/onnx/onnx-pipeline.js';
import { PipelineRegistry } from '../../pipelines/registry.js';
import { repoRoot, tempDir } from '../helpers/host-process.js';
import { harness } from '../helpers/pipeline-harness.js';
import { until } from '../helpers/until.js';

// Real models (the project's models/, copied from the shared set with their licences in models/MODELS.md) through the real onnxruntime-node, with the project's example manifests.
const models = path.join(repoRoot, 'models');
const dir = tempDir('onnx-outputs');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The shipped example manifest, pointed at the model in the project's models/. */
function example(name: string, over: Record<string, unknown> = {}): string {
  const doc = JSON.parse(fs.readFileSync(path.join(repoRoot, 'models', 'manifests', `${name}.json`), 'utf8')) as { model: string };
  const file = path.join(dir, `${name}-${Math.random().toString(36).slice(2, 7)}.json`);
  fs.writeFileSync(file, JSON.stringify({ ...doc, model: path.join(models, doc.model), ...over }));
  return file;
}

async function patternFrame(width: number, height: number): Promise<Frame> {
  const h = await harness(testPattern, { width, height }, { barsOpacity: 1 });
  const frame = h.instance.process(null, h.params, h.step()) as Frame;
  return { ...frame, data: frame.data.slice() };
}

function alphas(frame: Frame): number[] {
  const out: number[] = [];
  for (let i = 3; i < frame.data.length; i += 4) out.push(frame.data[i]!);
  return out;
}

/** A detailed picture: soft waves, a disc with a hard edge, fine stripes and a warm colour cast. */
function detailed(size: number): Frame {
  const f = createFrame(size, size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const wave = 128 + 60 * Math.sin(x / 9) * Math.cos(y / 13) + 30 * Math.sin((x + y) / 4.5);
      const disc = (x - size * 0.6) ** 2 + (y - size * 0.4) ** 2 < (size * 0.18) ** 2 ? 70 : 0;
      const stripes = x > size * 0.1 && x < size * 0.35 && y > size * 0.6 ? (Math.floor(x / 5) % 2) * 60 : 0;
      const v = Math.max(0, Math.min(255, wave + disc - stripes));
      f.data.set([Math.min(255, v + 25), v, Math.max(0, v - 20), 255], (y * size + x) * 4);
    }
  }
  return f;
}

/**
 * x3 down with a triangle filter (PIL's antialiased bilinear, as the model's training data was made):
 * the low-resolution picture a x3 model is asked to restore.
 */
function downscale3(src: Frame): Frame {
  const n = src.width / 3;
  const out = createFrame(n, n);
  const taps = [-2, -1, 0, 1, 2, 3, 4].map((d) => ({ d, w: Math.max(0, 1 - Math.abs(d - 1) / 3) }));
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      for (let c = 0; c < 4; c++) {
        let sum = 0;
        let weight = 0;
        for (const ty of taps) {
          for (const tx of taps) {
            const sy = Math.min(src.height - 1, Math.max(0, y * 3 + ty.d));
            const sx = Math.min(src.width - 1, Math.max(0, x * 3 + tx.d));
            sum += src.data[(sy * src.width + sx) * 4 + c]! * ty.w * tx.w;
            weight += ty.w * tx.w;
          }
        }
        out.data[(y * n + x) * 4 + c] = Math.round(sum / weight);
      }
    }
  }
  return out;
}

/** Nearest-neighbour x3: the frame the host hands the model stage (its 224 samples land on the block centres). */
function nearest3(src: Frame): Frame {
  const out = createFrame(src.width * 3, src.height * 3);
  for (let y = 0; y < out.height; y++) for (let x = 0; x < out.width; x++) out.data.set(src.data.subarray(((Math.floor(y / 3) * src.width) + Math.floor(x / 3)) * 4, ((Math.floor(y / 3) * src.width) + Math.floor(x / 3)) * 4 + 4), (y * out.width + x) * 4);
  return out;
}

/** Bicubic (Catmull-Rom) x3 of the luma, the classic baseline for super-resolution. */
function bicubicLuma3(src: Frame): Float64Array {
  const n = src.width;
  const luma = (x: number, y: number): number => {
    const cx = Math.min(n - 1, Math.max(0, x));
    const cy = Math.min(n - 1, Math.max(0, y));
    const o = (cy * n + cx) * 4;
    return 0.299 * src.data[o]! + 0.587 * src.data[o + 1]! + 0.114 * src.data[o + 2]!;
  };
  const kernel = (t: number): number => {
    const a = Math.abs(t);
    return a <= 1 ? 1.5 * a ** 3 - 2.5 * a ** 2 + 1 : a < 2 ? -0.5 * a ** 3 + 2.5 * a ** 2 - 4 * a + 2 : 0;
  };
  const size = n * 3;
  const out = new Float64Array(size * size);
  for (let y = 0; y < size; y++) {
    const sy = (y + 0.5) / 3 - 0.5;
    const y0 = Math.floor(sy);
    for (let x = 0; x < size; x++) {
      const sx = (x + 0.5) / 3 - 0.5;
      const x0 = Math.floor(sx);
      let v = 0;
      for (let j = -1; j <= 2; j++) for (let i = -1; i <= 2; i++) v += luma(x0 + i, y0 + j) * kernel(sx - (x0 + i)) * kernel(sy - (y0 + j));
      out[y * size + x] = Math.round(Math.max(0, Math.min(255, v))); // 8-bit, like any frame
    }
  }
  return out;
}

function lumaOf(f: Frame): Float64Array {
  const out = new Float64Array(f.width * f.height);
  for (let p = 0; p < out.length; p++) out[p] = 0.299 * f.data[p * 4]! + 0.587 * f.data[p * 4 + 1]! + 0.114 * f.data[p * 4 + 2]!;
  return out;
}

function psnr(a: Float64Array, b: Float64Array): number {
  let mse = 0;
  for (let i = 0; i < a.length; i++) mse += (a[i]! - b[i]!) ** 2;
  return 10 * Math.log10((255 * 255) / (mse / a.length));
}

function meanChroma(f: Frame): [number, number] {
  let cb = 0;
  let cr = 0;
  const n = f.width * f.height;
  for (let p = 0; p < n; p++) {
    const r = f.data[p * 4]!, g = f.data[p * 4 + 1]!, b = f.data[p * 4 + 2]!;
    cb += -0.168736 * r - 0.331264 * g + 0.5 * b;
    cr += 0.5 * r - 0.418688 * g - 0.081312 * b;
  }
  return [cb / n, cr / n];
}

describe('segmentation: DeepLab person mask', () => {
  it('is a frame-sized alpha in 0..255; the plain test pattern is (almost) all background; invert swaps it', async () => {
    const definition = onnxPipeline(example('deeplab-person'));
    const input = await patternFrame(320, 180);
    const h = await harness(definition, { width: 320, height: 180 });
    const out = await h.instance.process(input, h.params, h.step());
    expect([out.width, out.height]).toEqual([320, 180]);
    const a = alphas(out);
    expect(a.every((v) => v >= 0 && v <= 255)).toBe(true);
    expect(a.filter((v) => v < 32).length / a.length).toBeGreaterThan(0.98);
    // The picture itself is the input's: only the alpha carries the mask.
    expect(out.data[0]).toBe(input.data[0]);
    const inverted = await h.instance.process(input, { ...h.params, invert: true }, h.step());
    const b = alphas(inverted);
    expect(b.filter((v) => v > 223).length / b.length).toBeGreaterThan(0.98);
    await h.instance.dispose();
  });

  it('a mask-composite chain (mixer alpha mode) shows deck B where the mask says, deck A where it does not', async () => {
    const registry = new PipelineRegistry();
    registerBuiltins(registry);
    registry.register(onnxPipeline(example('deeplab-person')), 'test');
    const run = async (invert: boolean): Promise<Frame> => {
      const show = checkShow({
        size: '160x90',
        decks: [
          { id: 'a', source: { pipeline: 'test-pattern', params: { barsOpacity: 1 } }, chain: [{ pipeline: 'deeplab-person', params: { invert } }] },
          { id: 'b', source: { pipeline: 'solid', params: { color: '#ff0000' } } },
        ],
        mixer: { mode: 'alpha', crossfade: 0 },
        osc: { enabled: false },
      }, registry);
      const driver = new ManualDriver();
      const engine = await buildEngine(show, registry, { driver, log: silentLog });
      await engine.start();
      // The model runs beside the loop: tick until its result is in the output.
      await until(() => (engine.stats().stages[1]!.rate ?? 0) > 0, 15_000, 'the model\'s first result', () => driver.tick(1));
      expect(engine.stats().stages[1]!.lastError).toBeNull();
      driver.tick(2);
      const frame = { ...engine.lastFrame!, data: engine.lastFrame!.data.slice() };
      await engine.stop();
      return frame;
    };
    const background = await run(false); // no person: the mask is empty, deck B everywhere
    const red = (f: Frame, p: number): boolean => f.data[p * 4]! > 240 && f.data[p * 4 + 1]! < 15 && f.data[p * 4 + 2]! < 15;
    const pixels = 160 * 90;
    const redShare = (f: Frame): number => Array.from({ length: pixels }, (_, p) => red(f, p)).filter(Boolean).length / pixels;
    expect(redShare(background)).toBeGreaterThan(0.97);
    const everything = await run(true); // inverted: the mask covers all, deck A everywhere
    expect(redShare(everything)).toBeLessThan(0.2);
  });
});

describe('super-resolution: luma x3 with the colour carried over', () => {
  it('224 -> 672 luma beats (or equals) bicubic in PSNR, and keeps the input colour', async () => {
    const original = detailed(672);
    const low = downscale3(original);
    const input = nearest3(low);
    const definition = onnxPipeline(example('super-resolution'));
    const h = await harness(definition, { width: 672, height: 672 });
    const out = await h.instance.process(input, h.params, h.step());
    expect([out.width, out.height]).toEqual([672, 672]);
    const truth = lumaOf(original);
    const model = psnr(lumaOf(out), truth);
    const bicubic = psnr(bicubicLuma3(low), truth);
    expect(model).toBeGreaterThanOrEqual(bicubic); // measured here: 34.4 dB against 33.2 dB
    const [cbIn, crIn] = meanChroma(input);
    const [cbOut, crOut] = meanChroma(out);
    expect(Math.abs(cbOut - cbIn)).toBeLessThan(2);
    expect(Math.abs(crOut - crIn)).toBeLessThan(2);
    expect(crIn).toBeGreaterThan(8); // the warm cast is there to be carried
    await h.instance.dispose();
  });
});

describe('size policies', () => {
  it('fill crops to cover (the model sees the middle), fit letterboxes (black bars in the tensor, the frame fully covered back)', async () => {
    const candy = (fit: string): string => {
      const file = path.join(dir, `candy-${fit}.json`);
      fs.writeFileSync(file, JSON.stringify({
        id: `candy-${fit}`, name: 'Candy', model: path.join(models, 'style-candy-9.onnx'),
        inputs: [{ name: 'input1', role: 'image', layout: 'NCHW', channels: 'RGB', range: '0..255', size: { mode: 'fixed', width: 64, height: 64, fit } }],
        outputs: [{ name: 'output1', role: 'image', layout: 'NCHW', channels: 'RGB', range: '0..255' }],
      }));
      return file;
    };
    const input = await patternFrame(128, 64);
    const results: Record<string, Frame> = {};
    for (const fit of ['stretch', 'fit', 'fill']) {
      const h = await harness(onnxPipeline(candy(fit)), { width: 128, height: 64 });
      const out = await h.instance.process(input, h.params, h.step());
      results[fit] = { ...out, data: out.data.slice() };
      await h.instance.dispose();
    }
    const differs = (a: Frame, b: Frame, x: number, y: number): number => {
      const o = (y * 128 + x) * 4;
      return Math.abs(a.data[o]! - b.data[o]!) + Math.abs(a.data[o + 1]! - b.data[o + 1]!) + Math.abs(a.data[o + 2]! - b.data[o + 2]!);
    };
    // fill covers only the middle 64x64 of the 128x64 frame: the left edge stays the dry input.
    expect(differs(results.fill!, input, 5, 32)).toBe(0);
    expect(differs(results.fill!, input, 64, 32)).toBeGreaterThan(0);
    // stretch and fit both cover the whole frame with the model's picture.
    expect(differs(results.stretch!, input, 5, 32)).toBeGreaterThan(0);
    expect(differs(results.fit!, input, 5, 32)).toBeGreaterThan(0);
  });
});

describe('chains', () => {
  it('style then super-resolution in one deck: both run, the output is the show size and styled', async () => {
    const registry = new PipelineRegistry();
    registerBuiltins(registry);
    registry.register(onnxPipeline(example('style-candy', { inputs: [{ name: 'input1', role: 'image', layout: 'NCHW', channels: 'RGB', range: '0..255', size: { mode: 'dynamic', width: 128, height: 72, multipleOf: 4 } }] })), 'test');
    registry.register(onnxPipeline(example('super-resolution')), 'test');
    const show = checkShow({
      size: '320x180',
      decks: [{ id: 'a', source: { pipeline: 'test-pattern', params: { speed: 0 } }, chain: [{ pipeline: 'style-candy' }, { pipeline: 'super-resolution' }] }],
      osc: { enabled: false },
    }, registry);
    const driver = new ManualDriver();
    const engine = await buildEngine(show, registry, { driver, log: silentLog });
    await engine.start();
    const stages = () => engine.stats().stages;
    await until(() => (stages()[1]!.rate ?? 0) > 0 && (stages()[2]!.rate ?? 0) > 0, 30_000, 'both models\' first results', () => driver.tick(1));
    // Decoupled stages: the super-resolution's first result may come from the unstyled input; tick until
    // the styled picture has come through both.
    const input = await patternFrame(320, 180);
    const { meanAbsDiff } = await import('../helpers/frames.js');
    await until(() => meanAbsDiff(engine.lastFrame!.data, input.data) > 20, 30_000, 'the styled, upscaled picture', () => driver.tick(1));
    expect(stages().slice(1).map((s) => [s.pipeline, s.errors, s.status?.state])).toEqual([['style-candy', 0, 'loaded'], ['super-resolution', 0, 'loaded']]);
    const out = engine.lastFrame!;
    expect([out.width, out.height]).toEqual([320, 180]);
    await engine.stop();
  });
});
