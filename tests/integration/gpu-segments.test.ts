import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame } from '../../core/frame.js';
import { Param } from '../../core/params.js';
import type { GpuDevice } from '../../gpu/gpu-device.js';
import type { Engine } from '../../host/engine.js';
import { definePipeline } from '../../pipelines/contract.js';
import { registerShippedModels } from '../../pipelines/onnx/register-models.js';
import type { PipelineRegistry } from '../../pipelines/registry.js';
import { meanAbsDiff } from '../helpers/frames.js';
import { gpuEngine, openTestGpu, psnr, type ChainRef } from '../helpers/gpu-render.js';
import { until } from '../helpers/until.js';

// GPU segments on the real WebGPU implementation (lavapipe): how chains are split, what crosses between
// the CPU and the GPU, a model between GPU effects, and a device lost mid-show.
const SIZE = '96x54';
let gpu: GpuDevice;
let registry: PipelineRegistry;
let still: Frame | null = null;

beforeAll(async () => {
  ({ gpu, registry } = await openTestGpu());
  registerShippedModels(registry);
  // A source that plays the frame the test gives it: to run an effect on another chain's output.
  registry.register(definePipeline({
    id: 'test-still', name: 'Still (test)', kind: 'source', params: Param.object({}),
    create: () => ({ process: () => still!, dispose() {} }),
  }), 'test');
});
afterAll(() => gpu?.close());

const FIVE: ChainRef[] = [{ pipeline: 'kaleidoscope' }, { pipeline: 'rgb-split' }, { pipeline: 'posterize' }, { pipeline: 'bloom' }, { pipeline: 'film-grain' }];

async function withEngine<T>(chain: ChainRef[], body: (e: Engine, step: (n?: number) => Promise<Uint8Array>) => Promise<T>, source?: ChainRef): Promise<T> {
  const { engine, step } = await gpuEngine(registry, chain, { size: SIZE, ...(source ? { source } : {}) });
  try {
    return await body(engine, step);
  } finally {
    await engine.stop();
  }
}

describe('GPU segments', () => {
  it('five GPU effects in a row are one segment: one upload and one readback per frame, one frame behind', async () => {
    await withEngine(FIVE, async (engine, step) => {
      await step(9); // ten frames
      const segments = engine.gpuSegments();
      expect(segments).toHaveLength(1);
      expect(segments[0]!.stages).toEqual(['/deck/a/fx/0', '/deck/a/fx/1', '/deck/a/fx/2', '/deck/a/fx/3', '/deck/a/fx/4']);
      expect(segments[0]).toMatchObject({ uploads: 10, readbacks: 9, late: 0, latencyFrames: 1 });
      // Each effect's GPU time, measured on the GPU (lavapipe has timestamp queries).
      expect(segments[0]!.effectNs).toHaveLength(5);
      for (const stage of engine.stats().stages.slice(1)) expect(stage.gpu?.segment).toBe('/deck/a/fx/0../deck/a/fx/4');
    });
  });

  it('a CPU effect between GPU effects splits them in two segments; a bypassed one is left out of its segment', async () => {
    await withEngine([{ pipeline: 'kaleidoscope' }, { pipeline: 'feedback', params: { mix: 0.3 } }, { pipeline: 'bloom' }, { pipeline: 'blur', bypass: true }], async (engine, step) => {
      await step(4);
      const segments = engine.gpuSegments();
      expect(segments.map((s) => s.stages)).toEqual([['/deck/a/fx/0'], ['/deck/a/fx/2', '/deck/a/fx/3']]);
      expect(segments[1]!.effectNs).toHaveLength(1);
    });
  });

  it('a bypassed GPU effect gives its input back; all of a segment bypassed costs no GPU work', async () => {
    const input = await withEngine([], (_e, step) => step(2));
    await withEngine([{ pipeline: 'kaleidoscope', bypass: true }], async (engine, step) => {
      expect(await step(2)).toEqual(input);
      expect(engine.gpuSegments()[0]!.uploads).toBe(0);
    });
  });

  it('a frame whose rows are not a multiple of 256 bytes (100 pixels) comes back row for row', async () => {
    const size = { size: '100x56' };
    const plain = await gpuEngine(registry, [], size);
    const input = await plain.step(2);
    await plain.engine.stop();
    const { engine, step } = await gpuEngine(registry, [{ pipeline: 'posterize', params: { levels: 256 } }, { pipeline: 'pixelate', params: { size: 1 } }], size);
    try {
      expect(await step(2)).toEqual(input);
      expect(engine.gpuSegments()[0]!.readbacks).toBeGreaterThan(0);
    } finally {
      await engine.stop();
    }
  });

  it('test pattern -> kaleidoscope -> a model -> bloom renders as each part would on its own', async () => {
    // The model starts bypassed, so its first run takes the kaleidoscope's picture (the GPU's first
    // result comes a frame after the first input; a model started at once would style the raw pattern).
    const model = { pipeline: 'style-candy', bypass: true, params: { workingWidth: 96, workingHeight: 56, betweenResults: 'hold', targetFps: 0 } };
    const untilModel = async (engine: Engine, step: (n?: number) => Promise<Uint8Array>): Promise<Uint8Array> => {
      await step(3);
      expect(engine.params.setNow('/deck/a/fx/1/bypass', false).ok).toBe(true);
      await until(async () => {
        await step(1);
        return (engine.stats().stages[2]?.rate ?? 0) > 0;
      }, 60_000, 'the model\'s first result');
      return step(2);
    };
    const styled = await withEngine([{ pipeline: 'kaleidoscope', params: { segments: 4 } }, model], untilModel);
    const whole = await withEngine([{ pipeline: 'kaleidoscope', params: { segments: 4 } }, model, { pipeline: 'bloom', params: { threshold: 0.3 } }], async (engine, step) => {
      const out = await untilModel(engine, step);
      expect(engine.gpuSegments().map((s) => s.stages)).toEqual([['/deck/a/fx/0'], ['/deck/a/fx/2']]);
      return out;
    });
    still = { width: 96, height: 54, data: styled, index: 0, time: 0 };
    const bloomed = await withEngine([{ pipeline: 'bloom', params: { threshold: 0.3 } }], (_e, step) => step(2), { pipeline: 'test-still' });
    expect(psnr(whole, bloomed)).toBeGreaterThan(35);
    expect(meanAbsDiff(whole, styled)).toBeGreaterThan(1);
  }, 120_000);

  it('the device lost mid-show: frames keep coming (the effects passed over), and the effects come back on the new device', async () => {
    const input = await withEngine([], (_e, step) => step(2));
    await withEngine([{ pipeline: 'kaleidoscope', params: { segments: 3 } }, { pipeline: 'posterize', params: { levels: 3 } }], async (engine, step) => {
      const effected = await step(3);
      expect(meanAbsDiff(effected, input)).toBeGreaterThan(5);
      const generation = gpu.generation;
      gpu.loseForTest();
      await until(() => gpu.generation !== generation, 5000, 'the loss noticed');
      const during = engine.stats().frames;
      const passed = await step(3);
      expect(engine.stats().frames).toBe(during + 4);
      expect(meanAbsDiff(passed, input) < 1 || meanAbsDiff(passed, effected) < 1).toBe(true);
      await until(async () => gpu.device !== null && meanAbsDiff(await step(2), effected) < 1, 30_000, 'the effects back on a new device');
    });
  }, 60_000);
});
