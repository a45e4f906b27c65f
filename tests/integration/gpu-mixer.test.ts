import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualDriver } from '../../core/driver.js';
import type { Frame } from '../../core/frame.js';
import { silentLog } from '../../core/log.js';
import type { GpuDevice } from '../../gpu/gpu-device.js';
import { buildEngine } from '../../host/build-engine.js';
import type { Engine } from '../../host/engine.js';
import { checkShow } from '../../host/show.js';
import { mixDecks, type MixerParams } from '../../pipelines/builtins/mixer.js';
import type { PipelineRegistry } from '../../pipelines/registry.js';
import { CollectingOutput } from '../helpers/collecting-output.js';
import { gpuEngine, maxDiff, openTestGpu, STILL_SOURCE, type ChainRef } from '../helpers/gpu-render.js';

// The mixer on the GPU (real WebGPU on lavapipe) when both decks end on it: the same picture as the CPU
// mixer gives for the decks' own pictures, with one readback a frame instead of two.
const W = 96;
const H = 54;
const SIZE = `${W}x${H}`;
const DECK_A: ChainRef[] = [{ pipeline: 'kaleidoscope', params: { segments: 4 } }];
const DECK_B_SOURCE = { pipeline: 'gradient', params: { from: '#ff0000', to: '#0000ff', angle: 30 } };
const DECK_B: ChainRef[] = [{ pipeline: 'posterize', params: { levels: 4 } }];
let gpu: GpuDevice;
let registry: PipelineRegistry;
let deckA: Frame;
let deckB: Frame;

async function twoDecks(mixer: MixerParams): Promise<{ engine: Engine; step: (n: number) => Promise<Uint8Array> }> {
  const show = checkShow({
    size: SIZE, mixer,
    decks: [
      { id: 'a', source: STILL_SOURCE, chain: DECK_A.map((c) => ({ params: {}, ...c })) },
      { id: 'b', source: DECK_B_SOURCE, chain: DECK_B.map((c) => ({ params: {}, ...c })) },
    ],
    osc: { enabled: false },
  }, registry);
  const driver = new ManualDriver();
  const engine = await buildEngine(show, registry, { driver, log: silentLog });
  await engine.start();
  const step = async (n: number) => {
    for (let i = 0; i < n; i++) {
      driver.tick(1);
      await engine.gpuSettled();
    }
    return Uint8Array.from(engine.lastFrame!.data);
  };
  return { engine, step };
}

async function alone(chain: ChainRef[], source?: ChainRef): Promise<Frame> {
  const { engine, step } = await gpuEngine(registry, chain, { size: SIZE, ...(source ? { source } : {}) });
  const data = await step(2);
  await engine.stop();
  return { width: W, height: H, data, index: 0, time: 0 };
}

beforeAll(async () => {
  ({ gpu, registry } = await openTestGpu());
  deckA = await alone(DECK_A);
  deckB = await alone(DECK_B, DECK_B_SOURCE);
});
afterAll(() => gpu?.close());

describe('the mixer on the GPU', () => {
  for (const [mode, crossfade] of [['crossfade', 0.5], ['add', 0.5], ['multiply', 0.6], ['screen', 0.4], ['alpha', 0.3]] as const) {
    it(`${mode} at ${crossfade}: the CPU mixer's picture of the two decks, read back once a frame`, async () => {
      const mixer = { mode, crossfade } as MixerParams;
      const { engine, step } = await twoDecks(mixer);
      try {
        // Compiling the mixer takes the first frames (the CPU mixes meanwhile); then a few GPU mixes.
        let out = await step(4);
        const expected = mixDecks(deckA, deckB, mixer, { width: W, height: H, data: new Uint8Array(W * H * 4), index: 0, time: 0 }).data;
        out = await step(3);
        expect(maxDiff(out, expected), 'within rounding of the CPU mix').toBeLessThanOrEqual(2);
        const segments = engine.gpuSegments();
        const mix = segments.find((s) => s.stages[0] === '/mixer')!;
        expect(mix.readbacks).toBeGreaterThanOrEqual(3);
        // The decks' own results stay on the GPU from the frames the mixer mixes them.
        const before = segments.filter((s) => s.stages[0] !== '/mixer').map((s) => s.readbacks);
        await step(3);
        expect(engine.gpuSegments().filter((s) => s.stages[0] !== '/mixer').map((s) => s.readbacks)).toEqual(before);
      } finally {
        await engine.stop();
      }
    }, 60_000);
  }

  it('an output that takes deck A\'s own picture: the CPU mixes, from both decks read back', async () => {
    const { engine, step } = await twoDecks({ mode: 'crossfade', crossfade: 0.5 });
    try {
      const own = new CollectingOutput('deck-a', true);
      engine.addOutput(own, 'a');
      await step(5);
      const out = await step(1);
      const expected = mixDecks(deckA, deckB, { mode: 'crossfade', crossfade: 0.5 }, { width: W, height: H, data: new Uint8Array(W * H * 4), index: 0, time: 0 }).data;
      expect(maxDiff(out, expected)).toBeLessThanOrEqual(2);
      expect(maxDiff(own.frames[own.frames.length - 1]!.data, deckA.data)).toBeLessThanOrEqual(1);
      expect(engine.gpuSegments().filter((s) => s.stages[0] !== '/mixer').every((s) => s.readbacks > 0)).toBe(true);
    } finally {
      await engine.stop();
    }
  });
});
