import { ManualDriver } from '../core/driver.js';
import { silentLog } from '../core/log.js';
import { describeGpu, GpuDevice } from '../gpu/gpu-device.js';
import { buildEngine } from '../host/build-engine.js';
import type { Engine } from '../host/engine.js';
import { checkShow } from '../host/show.js';
import { registerBuiltins } from '../pipelines/builtins/index.js';
import { GpuAccess } from '../pipelines/gpu/gpu-access.js';
import { builtinShaderFiles, registerShaderEffects } from '../pipelines/gpu/library.js';
import { PipelineRegistry } from '../pipelines/registry.js';
import { TimedDriver, waitFrames } from './frame-loop.js';
import { higherIsBetter, info, lowerIsBetter, median, percentile, type Bench, type Metric } from './result.js';

const SOURCE = { pipeline: 'test-pattern', params: { speed: 0.25 } };
const FIVE = ['kaleidoscope', 'rgb-split', 'color-adjust', 'time-echo', 'film-grain'];
const EFFECT_FRAMES = Number(process.env.BENCH_GPU_EFFECT_FRAMES ?? 8);
const SHOW_FRAMES = Number(process.env.BENCH_FRAMES ?? 600);
const FEEDBACK = { zoom: 1.02, rotation: 0.6, decay: 0.04, hueShift: 3, mix: 1, key: 'alpha' };

type Chain = { pipeline: string; params?: Record<string, unknown> }[];

async function engineFor(registry: PipelineRegistry, size: string, chain: Chain, driver: ManualDriver | TimedDriver, fps = 30): Promise<Engine> {
  const show = checkShow({ size, fps, decks: [{ id: 'a', source: SOURCE, chain: chain.map((c) => ({ params: {}, ...c })) }], osc: { enabled: false } }, registry);
  const engine = await buildEngine(show, registry, { driver, log: silentLog });
  await engine.start();
  return engine;
}

/** Frame-loop time per tick and each frame's GPU time, on the manual clock, the GPU let finish between frames. */
async function measured(registry: PipelineRegistry, size: string, chain: Chain): Promise<{ tickMs: number; gpuMs: number; wallMs: number }> {
  const driver = new ManualDriver();
  const engine = await engineFor(registry, size, chain, driver);
  const ticks: number[] = [];
  const walls: number[] = [];
  const gpu: number[] = [];
  for (let i = 0; i < EFFECT_FRAMES + 2; i++) {
    const t = performance.now();
    driver.tick(1);
    const ticked = performance.now();
    await engine.gpuSettled();
    // The first two frames compile the shaders (llvmpipe JITs at the first draw).
    if (i < 2) continue;
    ticks.push(ticked - t);
    walls.push(performance.now() - t);
    const ns = engine.gpuSegments()[0]?.effectNs ?? [];
    gpu.push(ns.reduce((a, b) => a + b, 0) / 1e6);
  }
  await engine.stop();
  return { tickMs: median(ticks), gpuMs: median(gpu), wallMs: median(walls) };
}

async function effectCases(registry: PipelineRegistry): Promise<Metric[]> {
  const metrics: Metric[] = [];
  for (const size of ['1280x720', '1920x1080']) {
    const base = await measured(registry, size, []);
    for (const file of builtinShaderFiles()) {
      const m = await measured(registry, size, [{ pipeline: file.id, ...(file.id === 'feedback-gpu' ? { params: FEEDBACK } : {}) }]);
      metrics.push(info(`${file.id} ${size} GPU time`, m.gpuMs, 'ms'), info(`${file.id} ${size} frame-loop thread`, m.tickMs - base.tickMs, 'ms'));
    }
  }
  return metrics;
}

/** Frame-loop time per tick (p50) of a show on the realtime clock: pipelined, as a show runs. */
async function realtimeTick(registry: PipelineRegistry, size: string, chain: Chain, frames: number): Promise<number> {
  const driver = new TimedDriver();
  const engine = await engineFor(registry, size, chain, driver);
  await waitFrames(driver, 60);
  const start = driver.durations.length;
  await waitFrames(driver, 60 + frames);
  await engine.stop();
  return percentile(driver.durations.slice(start).sort((a, b) => a - b), 0.5);
}

/** The feedback effect both ways in the same run: the WebAssembly kernel, and the GPU path (pipelined). */
async function feedbackCase(registry: PipelineRegistry): Promise<Metric[]> {
  const size = '1280x720';
  const frames = Math.min(SHOW_FRAMES, 300);
  const base = await realtimeTick(registry, size, [], frames);
  const wasmMs = (await realtimeTick(registry, size, [{ pipeline: 'feedback', params: FEEDBACK }], frames)) - base;
  const gpuThreadMs = (await realtimeTick(registry, size, [{ pipeline: 'feedback-gpu', params: FEEDBACK }], frames)) - base;
  const gpu = await measured(registry, size, [{ pipeline: 'feedback-gpu', params: FEEDBACK }]);
  return [
    info('feedback 720p, WebAssembly kernel on the frame-loop thread (p50)', wasmMs, 'ms'),
    info('feedback 720p, GPU path on the frame-loop thread (p50: upload, encode, readback copy)', gpuThreadMs, 'ms'),
    info('feedback 720p, GPU time', gpu.gpuMs, 'ms'),
    lowerIsBetter('feedback 720p, GPU path / WebAssembly kernel on the frame-loop thread', gpuThreadMs / wasmMs, 'x', 1.5),
  ];
}

/** A show with five GPU effects on the realtime clock: the output's rate and how often the GPU's picture was new. */
async function showCase(registry: PipelineRegistry, size: string): Promise<Metric[]> {
  const driver = new TimedDriver();
  const engine = await engineFor(registry, size, FIVE.map((pipeline) => ({ pipeline })), driver);
  await waitFrames(driver, 60);
  const before = engine.stats();
  const segment0 = engine.gpuSegments()[0]!;
  const t0 = performance.now();
  const start = driver.durations.length;
  await waitFrames(driver, 60 + SHOW_FRAMES);
  const elapsed = performance.now() - t0;
  const after = engine.stats();
  const segment = engine.gpuSegments()[0]!;
  await engine.stop();
  const times = driver.durations.slice(start).sort((a, b) => a - b);
  const frames = driver.durations.length - start;
  const drops = after.droppedFrames - before.droppedFrames;
  const label = `${size}@30 five GPU effects`;
  return [
    higherIsBetter(`${label} achieved fps`, (frames * 1000) / elapsed, 'fps', 29.7),
    info(`${label} frame time p50`, percentile(times, 0.5), 'ms'),
    lowerIsBetter(`${label} frame time p99`, percentile(times, 0.99), 'ms', 33.3),
    lowerIsBetter(`${label} drops per 1000 frames`, (drops * 1000) / Math.max(1, frames), 'per 1000', 0),
    info(`${label} GPU results per output frame`, (segment.readbacks - segment0.readbacks) / Math.max(1, frames), 'ratio', 'higher'),
    info(`${label} GPU latency`, segment.latencyFrames, 'frames'),
  ];
}

export const gpuBench: Bench = {
  name: 'gpu',
  description: 'GPU effects (WebGPU through Dawn): each effect at 720p and 1080p, the feedback effect on the GPU against its WebAssembly kernel, shows with five GPU effects at 720p30 and 1080p30.',
  async run() {
    const { gpu, reason } = await GpuDevice.open(process.env.BENCH_GPU ?? 'auto', silentLog);
    if (!gpu?.adapter) throw new Error(`no WebGPU adapter: ${reason ?? ''}`);
    const access = new GpuAccess();
    access.set(gpu);
    const registry = new PipelineRegistry();
    registerBuiltins(registry);
    registerShaderEffects(registry, access);
    const metrics = [...(await feedbackCase(registry)), ...(await showCase(registry, '1280x720')), ...(await showCase(registry, '1920x1080')), ...(await effectCases(registry))];
    const adapter = describeGpu(gpu.adapter);
    const software = gpu.adapter.software;
    gpu.close();
    return {
      metrics,
      notes: [
        `adapter: ${adapter}`,
        ...(software ? ['a software adapter (lavapipe): these figures measure the CPU fallback of the GPU path, not a GPU'] : []),
        'GPU time: timestamp queries around each effect\'s passes; frame-loop thread: the tick\'s time less the same show without the effect, same run',
      ],
    };
  },
};
