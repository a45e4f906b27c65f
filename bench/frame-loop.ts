import fs from 'node:fs';
import path from 'node:path';
import { RealtimeDriver, type FrameDriver, type TickInfo } from '../core/driver.js';
import { silentLog } from '../core/log.js';
import { buildEngine } from '../host/build-engine.js';
import { defaultShow } from '../host/default-show.js';
import { checkShow } from '../host/show.js';
import { registerBuiltins } from '../pipelines/builtins/index.js';
import { registerShippedModels } from '../pipelines/onnx/register-models.js';
import { PipelineRegistry } from '../pipelines/registry.js';
import { defaultShmDir } from '../outputs/shm/shm-output.js';
import { higherIsBetter, info, lowerIsBetter, percentile, type Bench, type Metric } from './result.js';
import { allocationMetrics } from './frame-allocation.js';

/** Wraps the realtime driver to time every tick of the engine, all of them (not a rolling window). */
export class TimedDriver implements FrameDriver {
  readonly durations: number[] = [];
  private readonly inner = new RealtimeDriver();
  get running(): boolean {
    return this.inner.running;
  }
  start(fps: number, onTick: (tick: TickInfo) => void): void {
    this.inner.start(fps, (tick) => {
      const t0 = performance.now();
      onTick(tick);
      this.durations.push(performance.now() - t0);
    });
  }
  stop(): void {
    this.inner.stop();
  }
}

const FRAMES = Number(process.env.BENCH_FRAMES ?? 3000);
const WARMUP = 120;

async function runCase(size: string, fps: number, frameBudgetMs: number): Promise<Metric[]> {
  const registry = new PipelineRegistry();
  registerBuiltins(registry);
  registerShippedModels(registry);
  const shmName = `vj-host-bench-${process.pid}`;
  const show = checkShow({ ...defaultShow, size, fps, outputs: [{ type: 'shm', name: shmName }] }, registry);
  const driver = new TimedDriver();
  const engine = await buildEngine(show, registry, { driver, log: silentLog });
  const gc = (globalThis as { gc?: () => void }).gc;

  await engine.start();
  await waitFrames(driver, WARMUP);
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const droppedBefore = engine.stats().droppedFrames;
  const cpuBefore = process.cpuUsage();
  const t0 = performance.now();
  const startCount = driver.durations.length;
  await waitFrames(driver, WARMUP + FRAMES);
  const elapsed = performance.now() - t0;
  const cpu = process.cpuUsage(cpuBefore);
  const stats = engine.stats();
  const model = stats.stages.find((st) => st.execution === 'decoupled');
  const modelResults = modelCount(model);
  await engine.stop();
  gc?.();
  const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
  fs.rmSync(path.join(defaultShmDir(), shmName), { force: true });

  const times = driver.durations.slice(startCount).sort((a, b) => a - b);
  const frames = driver.durations.length - startCount;
  const drops = stats.droppedFrames - droppedBefore + stats.outputs.reduce((n, o) => n + o.dropped, 0);
  const label = `${size}@${fps}`;
  return [
    higherIsBetter(`${label} achieved fps`, (frames * 1000) / elapsed, 'fps', fps * 0.99),
    info(`${label} frame time p50`, percentile(times, 0.5), 'ms'),
    lowerIsBetter(`${label} frame time p99`, percentile(times, 0.99), 'ms', frameBudgetMs),
    info(`${label} CPU`, ((cpu.user + cpu.system) / 1000 / elapsed) * 100, '% of one core'),
    lowerIsBetter(`${label} dropped frames`, drops, 'frames', 0),
    lowerIsBetter(`${label} heap growth over ${FRAMES} frames`, heapGrowthMb, 'MB', 2),
    lowerIsBetter(`${label} drops per 1000 frames`, (drops * 1000) / Math.max(1, frames), 'per 1000', 0),
    ...(model
      ? [
          info(`${label} model rate (${model.pipeline}, ${modelResults})`, model.rate ?? 0, 'fps', 'higher'),
          info(`${label} model latency`, model.latencyMs ?? 0, 'ms'),
        ]
      : []),
  ];
}

/** Where the model ran and at what size, for the metric's name. */
function modelCount(stage: { status?: { detail?: Record<string, unknown> } } | undefined): string {
  const detail = stage?.status?.detail ?? {};
  const governor = detail.governor as { size?: string } | undefined;
  return `${typeof detail.provider === 'string' ? detail.provider : 'cpu'}${typeof detail.adapter === 'string' ? ` ${detail.adapter}` : ''}${governor?.size ? ` at ${governor.size}` : ''}`;
}

export function waitFrames(driver: TimedDriver, count: number): Promise<void> {
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      if (driver.durations.length >= count) {
        clearInterval(poll);
        resolve();
      }
    }, 20);
  });
}

export const frameLoopBench: Bench = {
  name: 'frame-loop',
  description: 'The default show (deck A: test pattern -> feedback; deck B: test pattern -> the candy style model; alpha-over; shm) at 720p30 as shipped, 720p60 and 1080p30 on the realtime clock, with the model\'s rate and latency; bytes allocated per frame in steady state on the manual clock (deck A alone).',
  async run() {
    const only = process.env.BENCH_FRAME_LOOP_ONLY;
    const metrics = [
      // BENCH_FRAME_LOOP_ONLY: `allocation`, or `shipped` (the default show as it ships, 720p30, alone).
      ...(only === 'allocation' ? [] : await runCase('1280x720', 30, 33)),
      ...(only === 'allocation' || only === 'shipped' ? [] : [...(await runCase('1280x720', 60, 16)), ...(await runCase('1920x1080', 30, 33))]),
      ...(only === 'shipped' ? [] : await allocationMetrics()),
    ];
    return { metrics, notes: [`${FRAMES} frames per case after ${WARMUP} warm-up frames; heap measured after a forced GC when run with --expose-gc`] };
  },
};
