import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualDriver } from '../../core/driver.js';
import type { Frame } from '../../core/frame.js';
import { silentLog } from '../../core/log.js';
import { buildEngine } from '../../host/build-engine.js';
import { checkShow } from '../../host/show.js';
import { registerBuiltins } from '../../pipelines/builtins/index.js';
import { testPattern } from '../../pipelines/builtins/test-pattern.js';
import { onnxPipeline } from '../../pipelines/onnx/onnx-pipeline.js';
import { registerModels } from '../../pipelines/onnx/register-models.js';
import { PipelineRegistry } from '../../pipelines/registry.js';
import { countDifferentBytes, meanAbsDiff } from '../helpers/frames.js';
import { repoRoot, tempDir } from '../helpers/host-process.js';
import { until } from '../helpers/until.js';
import { harness } from '../helpers/pipeline-harness.js';

// Real models (the project's models/, copied from the shared set with their licences in models/MODELS.md) through the real onnxruntime-node.
const models = path.join(repoRoot, 'models');
const dir = tempDir('onnx');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function manifest(name: string, doc: Record<string, unknown>): string {
  const file = path.join(dir, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(doc));
  return file;
}

const candy = (over: Record<string, unknown> = {}) => ({
  id: 'style-candy',
  name: 'Candy',
  model: path.join(models, 'style-candy-9.onnx'),
  inputs: [{ name: 'input1', role: 'image', layout: 'NCHW', channels: 'RGB', range: '0..255', size: { mode: 'dynamic', width: 128, height: 72, multipleOf: 4 } }],
  outputs: [{ name: 'output1', role: 'image', layout: 'NCHW', channels: 'RGB', range: '0..255' }],
  ...over,
});

async function patternFrame(width: number, height: number): Promise<Frame> {
  const h = await harness(testPattern, { width, height }, { barsOpacity: 1 });
  const frame = h.instance.process(null, h.params, h.step()) as Frame;
  return { ...frame, data: frame.data.slice() };
}

describe('ONNX model pipelines (real models, real onnxruntime)', () => {
  it('style transfer on the test pattern: same size, strongly different, deterministic; mix 0 returns the input exactly', async () => {
    const definition = onnxPipeline(manifest('candy', candy()));
    expect(definition.execution).toBe('decoupled');
    const input = await patternFrame(160, 90);
    const h = await harness(definition, { width: 160, height: 90 });
    const first = (await h.instance.process(input, h.params, h.step()));
    expect([first.width, first.height]).toEqual([160, 90]);
    const styled = first.data.slice();
    expect(meanAbsDiff(styled, input.data)).toBeGreaterThan(20);
    const second = (await h.instance.process(input, h.params, h.step()));
    expect(countDifferentBytes(second.data, styled)).toBe(0);
    const dry = (await h.instance.process(input, { ...h.params, mix: 0 }, h.step()));
    expect(countDifferentBytes(dry.data, input.data)).toBe(0);
    await h.instance.dispose();
  });

  it.each([
    ['a wrong input name', () => candy({ inputs: [{ ...candy().inputs[0], name: 'image' }] }), /input "image" is not in the model \(it has: input1\)/],
    ['NHWC declared for an NCHW model', () => candy({ inputs: [{ ...candy().inputs[0], layout: 'NHWC' }] }), /at the channel axis of NHWC .*is the layout NCHW\?/],
    [
      'an image input on a rank-4 model with one channel (wrong model)',
      () => candy({ model: path.join(models, 'super-resolution-10.onnx'), inputs: [{ ...candy().inputs[0], name: 'input' }], outputs: [{ ...candy().outputs[0], name: 'output' }] }),
      /input "input" has 1 at the channel axis of NCHW/,
    ],
    [
      'a fixed size that does not match the model',
      () => candy({ model: path.join(models, 'deeplabv3-mnv2-257.onnx'), inputs: [{ name: 'sub_7', role: 'image', layout: 'NHWC', channels: 'RGB', range: '-1..1', size: { mode: 'fixed', width: 224, height: 224 } }], outputs: [{ name: 'ResizeBilinear_3', role: 'image', layout: 'NHWC', channels: 'RGB', range: '0..255' }] }),
      /input "sub_7" is 257x257 in the model; the manifest says 224x224/,
    ],
    ['a missing model file', () => candy({ model: path.join(dir, 'nope.onnx') }), /model file not found: .*nope\.onnx/],
  ])('%s: a clear error naming both sides', async (name, doc, message) => {
    const definition = onnxPipeline(manifest(name.replace(/\W/g, '-'), doc()));
    await expect(harness(definition, { width: 64, height: 36 })).rejects.toThrow(message);
  });

  it('a truncated .onnx and a file that is not ONNX: clear errors', async () => {
    const truncated = path.join(dir, 'truncated.onnx');
    fs.writeFileSync(truncated, fs.readFileSync(path.join(models, 'style-candy-9.onnx')).subarray(0, 100_000));
    const text = path.join(dir, 'text.onnx');
    fs.writeFileSync(text, 'not a model');
    for (const file of [truncated, text]) {
      const definition = onnxPipeline(manifest(path.basename(file), candy({ model: file })));
      await expect(harness(definition, { width: 64, height: 36 })).rejects.toThrow(/is not a loadable ONNX model/);
    }
  });

  it('a bad manifest fails at load with the field named; good ones register as pipelines', () => {
    const folder = path.join(dir, 'models');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'good.json'), JSON.stringify(candy()));
    fs.writeFileSync(path.join(folder, 'bad.json'), JSON.stringify(candy({ id: 'Bad Id', threads: 0 })));
    const registry = new PipelineRegistry();
    const result = registerModels(folder, registry);
    expect(result.loaded).toEqual(['style-candy']);
    expect(result.failed[0]!.reason).toMatch(/id: must match pattern.*threads: must be >= 1/s);
  });

  it('a slow model in a show: the output holds 30 fps while the model runs at its own rate, shown in the stats', async () => {
    const registry = new PipelineRegistry();
    registerBuiltins(registry);
    // Slow beside the show: at 384x216 a run takes about nine times the default working size's (about 20 ms here,
    // fast enough to keep up with 30 fps, where nothing would show the output not waiting for it).
    const slowInput = { ...candy().inputs[0]!, size: { mode: 'dynamic', width: 384, height: 216, multipleOf: 4 } };
    registry.register(onnxPipeline(manifest('candy-show', candy({ id: 'candy-live', inputs: [slowInput] }))), 'test');
    const show = checkShow({ size: '320x180', fps: 30, decks: [{ id: 'a', source: { pipeline: 'test-pattern' }, chain: [{ pipeline: 'candy-live' }] }] }, registry);
    const { RealtimeDriver } = await import('../../core/driver.js');
    const engine = await buildEngine(show, registry, { driver: new RealtimeDriver(), log: silentLog });
    await engine.start();
    // Warm: the model has given a few results. Then 75 output frames, timed.
    await until(() => (engine.stats().stages[1]!.rate ?? 0) > 0 && engine.stats().frames > 30, 15_000, 'the model\'s first results');
    const before = engine.stats().frames;
    const t0 = performance.now();
    await until(() => engine.stats().frames >= before + 75, 15_000, '75 more output frames');
    const fps = ((engine.stats().frames - before) * 1000) / (performance.now() - t0);
    const stage = engine.stats().stages[1]!;
    await engine.stop();
    // The output is not held to the model's pace (judged against the model's own rate, same run): never
    // slower than the model, and clearly faster whenever the model is slower than the show (a stage is fed
    // at most once a frame, so a model as fast as the show has nothing to hold back).
    expect(fps).toBeGreaterThanOrEqual(stage.rate! * 0.95);
    if (stage.rate! < 20) expect(fps).toBeGreaterThan(stage.rate! * 1.3);
    expect(stage.execution).toBe('decoupled');
    expect(stage.rate!).toBeGreaterThan(0);
    // Fed at most once a frame; rate and output are counted over different windows, hence the margin.
    expect(stage.rate!).toBeLessThanOrEqual(fps * 1.05);
    expect(stage.latencyMs!).toBeGreaterThan(20);
    expect(stage.errors).toBe(0);
  });

  it('in a show: a model that cannot load leaves the stage in error, bypassed, and the frames keep coming', async () => {
    const registry = new PipelineRegistry();
    registerBuiltins(registry);
    const broken = path.join(dir, 'broken.onnx');
    fs.writeFileSync(broken, 'garbage');
    registry.register(onnxPipeline(manifest('broken-show', candy({ id: 'broken-style', model: broken }))), 'test');
    const show = checkShow({ size: '64x36', decks: [{ id: 'a', source: { pipeline: 'test-pattern' }, chain: [{ pipeline: 'broken-style' }] }] }, registry);
    const driver = new ManualDriver();
    const engine = await buildEngine(show, registry, { driver, log: silentLog });
    await engine.start();
    driver.tick(5);
    await until(() => engine.stats().stages[1]!.lastError !== null, 5000, 'the load error reported', () => driver.tick());
    // Every tick still makes its frame.
    const frames = engine.stats().frames;
    driver.tick(5);
    expect(engine.stats().frames).toBe(frames + 5);
    expect(engine.stats().stages[1]!.lastError).toMatch(/could not start: .*is not a loadable ONNX model/);
    expect(engine.stats().stages[1]!.status).toMatchObject({ state: 'error', error: expect.stringMatching(/is not a loadable ONNX model/) as unknown });
    await engine.stop();
  });
});
