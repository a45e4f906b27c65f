import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type } from '@sinclair/typebox';
import { RealtimeDriver } from '../core/driver.js';
import { silentLog } from '../core/log.js';
import { defaultParams, Param } from '../core/params.js';
import { buildEngine } from '../host/build-engine.js';
import { OscInput } from '../inputs/osc/osc-input.js';
import { ParamSpace } from '../params/param-space.js';
import { checkShow } from '../host/show.js';
import { ModulationMatrix } from '../modulators/matrix.js';
import { SignalBus } from '../modulators/signal-bus.js';
import { registerBuiltins } from '../pipelines/builtins/index.js';
import { PipelineRegistry } from '../pipelines/registry.js';
import { higherIsBetter, info, lowerIsBetter, percentile, type Bench, type Metric } from './result.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const WARMUP_PROBES = 500;

/** 1,000 routes (4 per target on 250 parameters, mixed curves and filters) evaluated per frame. */
function matrixMetrics(): Metric[] {
  const params = new ParamSpace();
  const schema = Type.Object(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`p${i}`, Param.number({ default: 0.5, min: 0, max: 1 })])));
  // Live values objects as pipelines hold them: every parameter present from the start, with its default.
  for (let n = 0; n < 25; n++) params.add(`/bench/${n}`, schema, { ...defaultParams(schema) });
  const bus = new SignalBus();
  const slots = Array.from({ length: 16 }, (_, i) => bus.register(`sig${i}:out`, i % 2 ? 'bipolar' : 'unipolar')!);
  const matrix = new ModulationMatrix(bus, params);
  const curves = ['linear', 'exponential', 'logarithmic', 's-curve', 'stepped'];
  const filters = [[], [{ type: 'lag', time: 0.2 }], [{ type: 'one-euro' }], [{ type: 'slew', rise: 2, fall: 2 }]];
  const routes = params.list().flatMap((entry, t) =>
    Array.from({ length: 4 }, (_, k) => ({
      source: `sig${(t + k) % 16}:out`, target: entry.path, amount: 0.1, curve: curves[(t + k) % curves.length],
      filters: filters[k % filters.length], combine: (['add', 'max', 'add', 'last'] as const)[k],
    })),
  );
  matrix.setRoutes(routes);
  const frames = 5000;
  const times = new Float64Array(frames);
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let f = 0; f < 200; f++) evaluate(f);
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  for (let f = 0; f < frames; f++) {
    const t = performance.now();
    evaluate(f);
    times[f] = (performance.now() - t) * 1000;
  }
  const heapAfter = process.memoryUsage().heapUsed;
  function evaluate(frame: number): void {
    for (let i = 0; i < slots.length; i++) bus.set(slots[i]!, Math.sin(frame * 0.05 + i), frame);
    matrix.evaluate(1 / 60);
  }
  const sorted = [...times].sort((a, b) => a - b);
  return [
    info('matrix routes', routes.length, 'routes'),
    lowerIsBetter('matrix eval per frame, median', percentile(sorted, 0.5), 'µs', 200),
    // The tail at this scale is the shared VM's scheduling and GC, not the matrix: reported, not judged.
    info('matrix eval per frame, p99', percentile(sorted, 0.99), 'µs'),
    info('heap allocated per evaluation (no GC in between)', (heapAfter - heapBefore) / frames, 'bytes'),
  ];
}

/** Each probe's latency to its queueing, and how many probes a frame took later than the first tick after they were queued. */
function probeResults(probeLines: string[], taken: Map<number, { queuedMs: number; takenInTick: number }>, tickStarts: number[]): { latencies: number[]; missedFrame: number } {
  const latencies: number[] = [];
  let missedFrame = 0;
  for (const [id, sentAt] of probeLines.map((line) => line.split(' ').map(Number) as [number, number])) {
    const t = taken.get(id);
    if (!t) continue;
    // The first half second warms the OSC thread's code up; latency is measured after it.
    if (id >= WARMUP_PROBES) latencies.push(t.queuedMs - sentAt);
    // The first tick that began after the change was queued must be the one that took it.
    const firstAfter = tickStarts.findIndex((start) => start > t.queuedMs);
    if (firstAfter >= 0 && firstAfter < t.takenInTick) missedFrame++;
  }
  return { latencies, missedFrame };
}

async function oscMetrics(): Promise<Metric[]> {
  const registry = new PipelineRegistry();
  registerBuiltins(registry);
  const decks = [{ id: 'a', source: { pipeline: 'test-pattern' }, chain: [{ pipeline: 'feedback', params: { zoom: 1.01 } }] }];
  const show = checkShow({ size: '640x360', decks, osc: { port: 0 } }, registry);
  const engine = await buildEngine(show, registry, { driver: new RealtimeDriver(), log: silentLog });
  await engine.start();
  const osc = new OscInput(engine, show.osc, silentLog);
  const port = (await osc.start())!;

  // Each probe's arrival and queueing times (stamped by the OSC thread on the clock every process
  // shares), when the frame loop took it, and when every tick began.
  const clock = () => performance.timeOrigin + performance.now();
  const tickStarts: number[] = [];
  const taken = new Map<number, { queuedMs: number; takenInTick: number }>();
  osc.onTaken = (path, value, _arrivedMs, queuedMs) => {
    if (path === '/deck/a/fx/0/zoom' && typeof value === 'number') {
      taken.set(Math.round((value - 0.25) * 1e6), { queuedMs, takenInTick: tickStarts.length - 1 });
    }
  };
  const tick = engine.tick.bind(engine);
  engine.tick = (info) => {
    tickStarts.push(clock());
    tick(info);
  };

  // 1) Loss and latency: 10,000 msg/s from another process, every tenth a probe.
  const seconds = 5;
  const framesBefore = engine.stats().frames;
  const droppedBefore = engine.stats().droppedFrames;
  const messagesBefore = osc.stats().messages;
  const start = performance.now();
  const [sentLine = '0', ...probeLines] = (await runSender([port, 10_000, seconds, '/bench/background', 10])).trim().split('\n');
  const totalSent = Number(sentLine);
  const elapsed = (performance.now() - start) / 1000;
  const fps = (engine.stats().frames - framesBefore) / elapsed;
  const dropped = engine.stats().droppedFrames - droppedBefore;
  await new Promise((r) => setTimeout(r, 200)); // the last probes reach a frame
  const handled = osc.stats().messages - messagesBefore;
  const { latencies, missedFrame } = probeResults(probeLines, taken, tickStarts);

  // 2) Sustained capacity: a sender flat out for two seconds; what the host handles per second on its core.
  const capacityBefore = osc.stats().messages;
  const capacityStart = performance.now();
  const blasted = Number(await runSender([port, 200_000, 2]));
  await new Promise((r) => setTimeout(r, 200));
  const capacity = (osc.stats().messages - capacityBefore) / ((performance.now() - capacityStart) / 1000);

  osc.stop();
  await engine.stop();
  const sorted = [...latencies].sort((a, b) => a - b);
  return [
    info('traffic during the latency run', totalSent / elapsed, 'msg/s'),
    lowerIsBetter('messages lost below 10,000 msg/s', totalSent - handled, 'messages', 0),
    lowerIsBetter('UDP send -> change queued for the next frame, p50', percentile(sorted, 0.5), 'ms', 1),
    lowerIsBetter('UDP send -> change queued for the next frame, p99', percentile(sorted, 0.99), 'ms', 1),
    lowerIsBetter('changes that missed the next frame', missedFrame, 'messages', 0),
    info('latency samples', sorted.length, 'messages'),
    higherIsBetter('frame loop fps during OSC traffic (30 fps show)', fps, 'fps', 29.7),
    lowerIsBetter('frames dropped during OSC traffic', dropped, 'frames', 0),
    info('sustained OSC messages handled per second (sender flat out)', capacity, 'msg/s', 'higher'),
    info('messages the flat-out sender managed', blasted / 2, 'msg/s', 'higher'),
  ];
}

function runSender(args: (string | number)[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(here, 'osc-sender.js'), ...args.map(String)]);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`osc-sender exited ${code}`))));
  });
}

export const modulationBench: Bench = {
  name: 'modulation',
  description: 'Matrix cost with 1,000 routes; OSC loss, latency and capacity with the frame loop running.',
  async run() {
    return { metrics: [...matrixMetrics(), ...(await oscMetrics())] };
  },
};
