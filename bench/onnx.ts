import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
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
import { DecoupledRunner } from '../pipelines/stage/decoupled-runner.js';
import type { StageStats } from '../pipelines/stage/stage-stats.js';
import type { BareWorkerData } from './onnx-bare-worker.js';
import { higherIsBetter, info, lowerIsBetter, median, type Bench, type Metric } from './result.js';

const modelsDir = process.env.VJ_HOST_MODELS_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'models');
/** Bare and pipeline runs take turns in this many blocks, each about this long (at least 3 runs). */
const BLOCKS = 4;
const BLOCK_MS = Number(process.env.BENCH_ONNX_BLOCK_MS ?? 1500);
const SHOW = { width: 1280, height: 720 };
// Made when the bench runs, not when the bench runner imports this file.
let tmpDir: string | null = null;
const tmp = (): string => (tmpDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'vj-host-bench-onnx-')));

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

  const bare = await bareSession({ model: path.join(modelsDir, c.model), provider, input: c.input.name, output: c.output.name, tensor, dims: [1, channels, h, w] });
  const piped = await stageRunner(c, w, h, input, provider);
  const [warm] = await bare.run(2).then((t) => t.slice(1));
  await piped.results(3);
  const perBlock = Math.max(3, Math.round(BLOCK_MS / warm!));
  // Bare runs and the pipeline take turns, so whatever else the machine does in the meantime weighs on both alike.
  const bareMs: number[] = [];
  const intervals: number[] = [];
  const ownInference: number[] = [];
  for (let block = 0; block < BLOCKS; block++) {
    bareMs.push(...(await bare.run(perBlock)));
    intervals.push(...(await piped.results(perBlock + 1)));
    ownInference.push(piped.inferenceMs());
  }
  const lastOutput = await bare.output();
  await bare.release();
  await piped.dispose();
  const ratio = median(bareMs) / median(intervals);
  const common = [
    info(`${label}: inference, bare session.run (median)`, median(bareMs), 'ms'),
    info(`${label}: runs timed, each side`, bareMs.length, 'runs'),
    info(`${label}: model fps through the pipeline`, 1000 / median(intervals), 'fps', 'higher'),
    higherIsBetter(`${label}: pipeline fps / bare session.run fps`, ratio, 'ratio', 0.95),
    info(`${label}: model latency through the pipeline (frame in -> its result)`, median(piped.latencies), 'ms'),
    // Where a shortfall comes from: the host's gaps between inferences, or the inference itself slowed by
    // the pixel work on the other core (the two share this machine's cores).
    info(`${label}: the pipeline's own inference (smoothed), beside its pixel work`, median(ownInference), 'ms'),
    info(`${label}: pipeline fps / its own inference rate`, median(ownInference) / median(intervals), 'ratio', 'higher'),
  ];
  return c.output.role === 'image' ? [...common, ...prePost(input, w, h, place, tensor, lastOutput)] : common;
}

/** The baseline: the bare session on a thread of its own (onnx-bare-worker.ts), as the pipeline's session runs. */
async function bareSession(data: BareWorkerData): Promise<{ run(n: number): Promise<number[]>; output(): Promise<Float32Array>; release(): Promise<void> }> {
  const worker = new Worker(path.join(path.dirname(fileURLToPath(import.meta.url)), 'onnx-bare-worker.js'), { workerData: data });
  const next = <T,>(): Promise<T> => new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await next<'ready'>();
  return {
    async run(runs) {
      const answer = next<number[]>();
      worker.postMessage({ runs });
      return answer;
    },
    async output() {
      const answer = next<Float32Array>();
      worker.postMessage('output');
      return answer;
    },
    async release() {
      const answer = next<'released'>();
      worker.postMessage('release');
      await answer;
      await worker.terminate();
    },
  };
}

/**
 * The pipeline as a show's decoupled stage runs it: ticked at 30 fps with the same frame, latest wins,
 * the next frame handed over while a run is in flight when the model asks for it. `results(n)` ticks
 * until n results came and answers the n - 1 intervals between them, then lets the runs in flight end.
 */
async function stageRunner(c: ModelCase, w: number, h: number, input: Frame, provider: string) {
  const definition = onnxPipeline(manifest(c, w, h, provider));
  const pool = new FramePool();
  const now = () => performance.now();
  const instance = await definition.create({ ...SHOW, fps: 30, pool, log: silentLog, now, media: defaultMediaOptions() });
  const params = defaultParams(definition.params);
  const clock = initialClockState(30);
  let done: number[] = [];
  const latencies: number[] = [];
  const process = instance.process.bind(instance);
  instance.process = (frame, p, t) => {
    const asked = now();
    const pending = Promise.resolve(process(frame, p, t));
    void pending.then(() => {
      done.push(now());
      latencies.push(now() - asked);
    }, () => {});
    return pending;
  };
  const errors: unknown[] = [];
  const runner = new DecoupledRunner(instance, params, pool, { recordError: (e) => errors.push(e), now }, 30_000);
  const busy = (): boolean => {
    const stats = { busy: false } as StageStats;
    runner.describe(stats);
    return stats.busy === true;
  };
  return {
    latencies,
    inferenceMs: (): number => Number(instance.status?.()?.detail?.inferenceMs ?? 0),
    async results(n: number): Promise<number[]> {
      done = [];
      // Only the ticks run meanwhile: nothing of the bench's own competes with the model's threads.
      await new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          if (done.length < n && errors.length === 0) return void runner.run(input, clock, SHOW);
          clearInterval(timer);
          resolve();
        }, 1000 / 30);
      });
      if (errors.length) throw errors[0];
      const seen = done.slice(0, n);
      while (busy()) await new Promise((r) => setTimeout(r, 5));
      return seen.slice(1).map((t, i) => t - seen[i]!);
    },
    async dispose() {
      runner.dispose();
      await instance.dispose();
    },
  };
}

/** Pre- and post-processing alone, at the show's size (they run on the model's pixel thread). */
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
          `bare and pipeline in ${BLOCKS} alternating blocks of about ${BLOCK_MS} ms each (at least 3 runs) after a warm-up; one inference thread (intraOpNumThreads 1) for both`,
          'bare: session.run back to back on a thread of its own, the input tensor made once. Pipeline: the stage as a show runs it, ticked at 30 fps with a 720p frame (decoupled, latest wins), its rate the median interval between results; its pixel work (tensor in, picture out) runs on a thread beside the session\'s, and the next frame is handed over while a run is in flight, so that work and the tick wait are hidden behind the inference',
        ],
      };
    } finally {
      if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
      tmpDir = null;
    }
  },
};
