import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultMediaOptions } from '../pipelines/video/media-options.js';
import { RealtimeDriver } from '../core/driver.js';
import { FramePool } from '../core/frame-pool.js';
import type { Frame } from '../core/frame.js';
import { initialClockState } from '../core/clock.js';
import { defaultParams } from '../core/params.js';
import { silentLog } from '../core/log.js';
import { buildEngine } from '../host/build-engine.js';
import { checkShow } from '../host/show.js';
import { registerBuiltins } from '../pipelines/builtins/index.js';
import { testPattern } from '../pipelines/builtins/test-pattern.js';
import { frameToTensor, imageToFrame, type Scratch } from '../pipelines/onnx/image-tensor.js';
import type { ImageInputSpec, ImageOutputSpec } from '../pipelines/onnx/manifest.js';
import { onnxPipeline } from '../pipelines/onnx/onnx-pipeline.js';
import { placement } from '../pipelines/onnx/placement.js';
import { describeAdapter, probeGpu } from '../core/gpu-probe.js';
import { PipelineRegistry } from '../pipelines/registry.js';
import { higherIsBetter, info, lowerIsBetter, median, type Bench, type Metric } from './result.js';

const modelsDir = process.env.VJ_HOST_MODELS_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'models');
const RUNS = Number(process.env.BENCH_ONNX_RUNS ?? 12);
const SHOW = { width: 1280, height: 720 };
// Made when the bench runs, not when the bench runner imports this file.
let tmpDir: string | null = null;
const tmp = (): string => (tmpDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'vj-host-bench-onnx-')));

interface Ort {
  InferenceSession: { create(file: string, o: object): Promise<{ run(f: object): Promise<Record<string, { data: Float32Array }>>; release(): Promise<void> }> };
  Tensor: new (t: 'float32', d: Float32Array, dims: number[]) => object;
}
const ort = createRequire(import.meta.url)('onnxruntime-node') as Ort;

const image: ImageInputSpec = { name: 'input1', role: 'image', layout: 'NCHW', channels: 'RGB', range: '0..255', size: { mode: 'dynamic', width: 256, height: 256, multipleOf: 4 } };
const outputSpec: ImageOutputSpec = { name: 'output1', role: 'image', layout: 'NCHW', channels: 'RGB', range: '0..255' };
const lumaIn: ImageInputSpec = { name: 'input', role: 'image', layout: 'NCHW', channels: 'Y', range: '0..1', size: { mode: 'fixed', width: 224, height: 224 } };

/** A model the bench runs: its file, its image input and output as its manifest says, and the output's name. */
interface ModelCase {
  model: string;
  input: ImageInputSpec;
  output: Record<string, unknown> & { name: string };
}
const style: ModelCase = { model: 'style-candy-9.onnx', input: image, output: outputSpec };
const superResolution: ModelCase = { model: 'super-resolution-10.onnx', input: lumaIn, output: { name: 'output', role: 'luma', layout: 'NCHW', range: '0..1' } };

function manifest(c: ModelCase, w: number, h: number, provider: string): string {
  const file = path.join(tmp(), `${c.model}-${w}x${h}-${provider}.json`);
  const size = c.input.size.mode === 'dynamic' ? { ...c.input.size, width: w, height: h } : c.input.size;
  fs.writeFileSync(file, JSON.stringify({
    id: `bench-${c.model.replace(/\W/g, '')}-${w}x${h}-${provider}`, name: c.model, model: path.join(modelsDir, c.model), threads: 1, provider,
    inputs: [{ ...c.input, size }], outputs: [c.output],
  }));
  return file;
}

async function pattern(): Promise<Frame> {
  const pool = new FramePool();
  const instance = await testPattern.create({ ...SHOW, fps: 30, pool, log: silentLog, now: () => performance.now(), media: defaultMediaOptions() });
  const frame = instance.process(null, defaultParams(testPattern.params), initialClockState(30)) as Frame;
  return { ...frame, data: frame.data.slice() };
}

/** One model at one working size on one provider: bare session.run against the pipeline on the same input, in the same run. */
async function oneCase(c: ModelCase, w: number, h: number, input: Frame, provider: string): Promise<Metric[]> {
  const label = `${c.model.replace('.onnx', '')} ${w}x${h} on ${provider}`;
  const channels = c.input.channels === 'Y' ? 1 : 3;
  const tensor = new Float32Array(channels * w * h);
  const place = placement('stretch', input.width, input.height, w, h);
  frameToTensor(input, c.input, w, h, place, tensor);

  const session = await ort.InferenceSession.create(path.join(modelsDir, c.model), { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all', logSeverityLevel: 3, executionProviders: [provider] });
  const feeds = { [c.input.name]: new ort.Tensor('float32', tensor, [1, channels, h, w]) };
  const piped = await pipelineRunner(c, w, h, input, provider);
  await session.run(feeds);
  await piped.run();
  // Bare and pipeline runs alternate, so whatever else the machine does in the meantime weighs on both alike.
  const bare: number[] = [];
  const timed: number[] = [];
  let lastOutput: Float32Array = new Float32Array(0);
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    lastOutput = new Float32Array((await session.run(feeds))[c.output.name]!.data);
    bare.push(performance.now() - t);
    timed.push(await piped.run());
  }
  await session.release();
  await piped.dispose();
  const ratio = median(bare) / median(timed);
  const common = [
    info(`${label}: inference, bare session.run (median)`, median(bare), 'ms'),
    info(`${label}: model fps through the pipeline`, 1000 / median(timed), 'fps', 'higher'),
    higherIsBetter(`${label}: pipeline fps / bare session.run fps`, ratio, 'ratio', 0.95),
  ];
  return c.output.role === 'image' ? [...common, ...prePost(input, w, h, place, tensor, lastOutput)] : common;
}

/** The pipeline on the same model and input: each run a frame in, a frame out, on the model's thread, timed. */
async function pipelineRunner(c: ModelCase, w: number, h: number, input: Frame, provider: string): Promise<{ run(): Promise<number>; dispose(): Promise<void> }> {
  const definition = onnxPipeline(manifest(c, w, h, provider));
  const pool = new FramePool();
  const instance = await definition.create({ ...SHOW, fps: 30, pool, log: silentLog, now: () => performance.now(), media: defaultMediaOptions() });
  const params = defaultParams(definition.params);
  const clock = initialClockState(30);
  return {
    async run() {
      const t = performance.now();
      await instance.process(input, params, clock);
      return performance.now() - t;
    },
    async dispose() {
      await instance.dispose?.();
    },
  };
}

/** Pre- and post-processing alone, at the show's size (they run on the model's thread). */
function prePost(input: Frame, w: number, h: number, place: ReturnType<typeof placement>, tensor: Float32Array, lastOutput: Float32Array): Metric[] {
  const label = `style-candy-9 ${w}x${h}`;

  // Pre- and post-processing alone (on the frame loop's side of the pipeline).
  const scratch: Scratch = { work: new Uint8Array(0), chroma: new Uint8Array(0) };
  const out: Frame = { ...input, data: new Uint8Array(input.data.length) };
  const pre: number[] = [];
  const post: number[] = [];
  for (let i = 0; i < 10; i++) {
    let t = performance.now();
    frameToTensor(input, image, w, h, place, tensor);
    pre.push(performance.now() - t);
    t = performance.now();
    imageToFrame(lastOutput, [1, 3, h, w], outputSpec, place, { w, h }, out, scratch);
    post.push(performance.now() - t);
  }

  return [
    info(`${label}: pre-processing, 720p frame -> tensor (on the model's thread)`, median(pre), 'ms'),
    info(`${label}: post-processing, tensor -> 720p frame (on the model's thread)`, median(post), 'ms'),
  ];
}

/** The model live in a 720p30 show: the output rate held while the model runs at its own. */
async function heldOutput(c: ModelCase, w: number, h: number): Promise<Metric[]> {
  const registry = new PipelineRegistry();
  registerBuiltins(registry);
  const definition = onnxPipeline(manifest(c, w, h, 'cpu'));
  registry.register(definition, 'bench');
  const show = checkShow({ size: `${SHOW.width}x${SHOW.height}`, fps: 30, decks: [{ id: 'a', source: { pipeline: 'test-pattern' }, chain: [{ pipeline: definition.id }] }], osc: { enabled: false } }, registry);
  const engine = await buildEngine(show, registry, { driver: new RealtimeDriver(), log: silentLog });
  await engine.start();
  await new Promise((r) => setTimeout(r, 1500));
  const before = engine.stats();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, 5000));
  const after = engine.stats();
  const elapsed = performance.now() - t0;
  await engine.stop();
  const fps = ((after.frames - before.frames) * 1000) / elapsed;
  const label = `${c.model.replace('.onnx', '')} ${w}x${h} in a 720p30 show`;
  return [
    { name: `${label}: output fps`, value: Math.round(fps * 100) / 100, unit: 'fps', goal: '30 +- 1', better: 'higher', meets: Math.abs(fps - 30) <= 1 },
    lowerIsBetter(`${label}: frames dropped`, after.droppedFrames - before.droppedFrames, 'frames', 0),
    info(`${label}: model's own rate`, after.stages[1]!.rate ?? 0, 'fps', 'higher'),
    info(`${label}: model latency`, after.stages[1]!.latencyMs ?? 0, 'ms'),
  ];
}

/**
 * The providers to measure on this machine: the CPU, and WebGPU where its adapter is a GPU. On a software
 * adapter (lavapipe) WebGPU would measure the CPU's fallback of the GPU path, tens of times slower: only
 * with BENCH_ONNX_WEBGPU=1.
 */
async function providersHere(): Promise<{ run: string[]; notes: string[] }> {
  const { adapter, reason } = await probeGpu();
  if (adapter && (!adapter.software || process.env.BENCH_ONNX_WEBGPU === '1')) {
    return { run: ['cpu', 'webgpu'], notes: [`webgpu on ${describeAdapter(adapter)}${adapter.software ? ': a software adapter, so these webgpu figures are the CPU fallback of the GPU path, not a GPU' : ''}`] };
  }
  return { run: ['cpu'], notes: [adapter ? `webgpu not measured: the only adapter is ${describeAdapter(adapter)} (BENCH_ONNX_WEBGPU=1 measures it anyway); a GPU figure needs a real GPU` : `webgpu not measured: ${reason ?? 'no adapter'}`] };
}

export const onnxBench: Bench = {
  name: 'onnx',
  description: 'ONNX pipeline against bare session.run on the same model, size, input and provider (the CPU; WebGPU where a GPU adapter exists): inference, pre/post, model fps, and the 30 fps output held.',
  async run() {
    if (!fs.existsSync(path.join(modelsDir, 'style-candy-9.onnx'))) throw new Error(`no models in ${modelsDir} (set VJ_HOST_MODELS_DIR)`);
    const input = await pattern();
    const providers = await providersHere();
    try {
      const metrics: Metric[] = [];
      for (const provider of providers.run) {
        for (const [w, h] of [[256, 256], [512, 288]] as const) metrics.push(...(await oneCase(style, w, h, input, provider)));
        metrics.push(...(await oneCase(superResolution, 224, 224, input, provider)));
      }
      for (const [w, h] of [[256, 256], [512, 288]] as const) metrics.push(...(await heldOutput(style, w, h)));
      return {
        metrics,
        notes: [
          ...providers.notes,
          'the three style models (candy, mosaic, udnie) are one network with other weights: candy stands for them; the DeepLab mask has its own output path and is not in this bench',
          `${RUNS} timed runs per case after one warm-up, bare and pipeline runs alternating; one inference thread (intraOpNumThreads 1) for both the bare session and the pipeline`,
          'the pipeline runs its session, pre- and post-processing on the model\'s own thread: its time includes them and the two frame copies; the frame loop\'s share is the copies only (see frame-loop cost)',
        ],
      };
    } finally {
      if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
      tmpDir = null;
    }
  },
};
