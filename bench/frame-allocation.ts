import fs from 'node:fs';
import inspector from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { ManualDriver } from '../core/driver.js';
import { silentLog } from '../core/log.js';
import { buildEngine } from '../host/build-engine.js';
import { createDeckStages } from '../host/deck-stages.js';
import type { Engine } from '../host/engine.js';
import { defaultShow } from '../host/default-show.js';
import { deckAOnlyShow } from './picture-only.js';
import { checkShow } from '../host/show.js';
import { registerBuiltins } from '../pipelines/builtins/index.js';
import { PipelineRegistry } from '../pipelines/registry.js';
import { defaultShmDir } from '../outputs/shm/shm-output.js';
import { info, lowerIsBetter, type Metric } from './result.js';

/** Ticks before measuring: long enough for V8 to optimise the per-frame code (unoptimised code boxes more). */
const WARM_FRAMES = 1500;
const FRAMES = 600;
/** Mean bytes between the heap profiler's samples: small enough that the estimate is near exact. */
const SAMPLE_BYTES = 64;

interface Case {
  name: string;
  outputs: Record<string, unknown>[];
  /** Runs before the measured frames (a swap whose fade lasts through them). */
  prepare?: (engine: Engine, registry: PipelineRegistry) => Promise<void>;
  /** Runs before every measured frame (a surface moving a fader, mirrored to a feedback sink). */
  everyFrame?: (engine: Engine, frame: number) => void;
}

interface SampleNode {
  selfSize: number;
  children: SampleNode[];
}

const allocated = (node: SampleNode): number => node.children.reduce((sum, child) => sum + allocated(child), node.selfSize);

/**
 * Bytes the frame loop allocates per frame in steady state, on the manual clock so nothing but the ticks
 * runs in between: V8's sampling heap profiler over FRAMES frames, counting what garbage collection took
 * meanwhile too. Heap growth, measured here before, also counted the code and feedback V8 compiles while
 * it warms up, and lost whatever a scavenge took inside the window.
 */
async function bytesPerFrame(c: Case, session: inspector.Session): Promise<number> {
  const registry = new PipelineRegistry();
  registerBuiltins(registry);
  const show = checkShow({ ...deckAOnlyShow, size: '1280x720', outputs: c.outputs, osc: { ...defaultShow.osc, enabled: false } }, registry);
  const driver = new ManualDriver();
  const engine = await buildEngine(show, registry, { driver, log: silentLog });
  await engine.start();
  await c.prepare?.(engine, registry);
  for (let f = 0; f < WARM_FRAMES; f++) {
    c.everyFrame?.(engine, f);
    driver.tick();
  }
  await session.post('HeapProfiler.startSampling', { samplingInterval: SAMPLE_BYTES, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  for (let f = 0; f < FRAMES; f++) {
    c.everyFrame?.(engine, f);
    driver.tick();
  }
  const { profile } = await session.post('HeapProfiler.stopSampling');
  await engine.stop();
  return allocated(profile.head) / FRAMES;
}

const shm = (name: string): Record<string, unknown> => ({ type: 'shm', name: `vj-host-bench-alloc-${name}-${process.pid}` });

const CASES: Case[] = [
  { name: 'default show (test pattern, feedback in WebAssembly, mix) to shm', outputs: [shm('plain')] },
  { name: 'the same to shm and NDI', outputs: [shm('ndi'), { type: 'ndi', name: `vj-host-bench-alloc-${process.pid}` }] },
  {
    name: 'a fader moved every frame, mirrored to a feedback sink',
    outputs: [shm('fader')],
    prepare: (engine) => {
      engine.feedback.add({ wants: () => true, deliver: () => {} });
      return Promise.resolve();
    },
    everyFrame: (engine, f) => void engine.params.set('/mixer/crossfade', (f % 100) / 100, 'surface'),
  },
  {
    name: 'a deck swap fading through every measured frame',
    outputs: [shm('fade')],
    prepare: async (engine, registry) => {
      const stages = await createDeckStages(engine, registry, { id: 'a', source: { pipeline: 'test-pattern', params: {} }, chain: [{ pipeline: 'feedback', params: { zoom: 1.02 } }] }, silentLog);
      engine.replaceDeck('a', stages, 1000);
    },
  },
];

export async function allocationMetrics(): Promise<Metric[]> {
  const metrics: Metric[] = [];
  const session = new inspector.Session();
  session.connect();
  try {
    // No object or closure is made per frame: what is left (one or two KB) are V8's number boxes, 16 B
    // each, for doubles crossing calls in the clock and the generators. The goal holds the line there.
    for (const c of CASES) metrics.push(lowerIsBetter(`bytes allocated per frame: ${c.name}`, await bytesPerFrame(c, session), 'bytes', 4096));
  } finally {
    session.disconnect();
    for (const c of CASES) {
      for (const o of c.outputs) {
        if (o.type === 'shm') fs.rmSync(path.join(defaultShmDir(), String(o.name)), { force: true });
        // The NDI runtime marks every sender name it has seen with an empty file, and never removes it.
        if (o.type === 'ndi') fs.rmSync(path.join(os.tmpdir(), `NTK_SEND_${String(o.name)}`), { force: true });
      }
    }
  }
  metrics.push(info('frames per allocation case', FRAMES, 'frames'), info('frames before measuring, per case', WARM_FRAMES, 'frames'));
  return metrics;
}
