import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ManualDriver, RealtimeDriver } from '../../core/driver.js';
import type { Frame } from '../../core/frame.js';
import { silentLog } from '../../core/log.js';
import { buildEngine } from '../../host/build-engine.js';
import type { Engine } from '../../host/engine.js';
import { checkShow } from '../../host/show.js';
import { registerBuiltins } from '../../pipelines/builtins/index.js';
import { testPattern } from '../../pipelines/builtins/test-pattern.js';
import { definePipeline } from '../../pipelines/contract.js';
import { readManifest } from '../../pipelines/onnx/model-loader.js';
import { onnxPipeline } from '../../pipelines/onnx/onnx-pipeline.js';
import { acquireSession, openSessionCount } from '../../pipelines/onnx/session-cache.js';
import { PipelineRegistry } from '../../pipelines/registry.js';
import { Param } from '../../core/params.js';
import { meanAbsDiff } from '../helpers/frames.js';
import { repoRoot, tempDir } from '../helpers/host-process.js';
import { harness } from '../helpers/pipeline-harness.js';
import { until } from '../helpers/until.js';
import { expectRendering } from '../helpers/engine-rate.js';

// Real models (the project's models/, copied from the shared set with their licences in models/MODELS.md) through the real onnxruntime-node: swaps, shared sessions, a stalled session.
// Pictures compared with a reference use the test pattern without its disc, whose hue cycles with the clock.
const models = path.join(repoRoot, 'models');
const dir = tempDir('onnx-lifecycle');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const undo of cleanup.splice(0)) await undo();
});

function styleManifest(id: string, model = 'style-candy-9.onnx'): string {
  const file = path.join(dir, `${id}.json`);
  fs.writeFileSync(file, JSON.stringify({
    id, name: id, model: path.join(models, model),
    inputs: [{ name: 'input1', role: 'image', layout: 'NCHW', channels: 'RGB', range: '0..255', size: { mode: 'dynamic', width: 96, height: 56, multipleOf: 4 } }],
    outputs: [{ name: 'output1', role: 'image', layout: 'NCHW', channels: 'RGB', range: '0..255' }],
  }));
  return file;
}

const SIZE = { width: 160, height: 90 };

async function patternFrame(): Promise<Frame> {
  const h = await harness(testPattern, SIZE, { speed: 0, frameCode: false, disc: false });
  const frame = h.instance.process(null, h.params, h.step()) as Frame;
  return { ...frame, data: frame.data.slice() };
}

async function styled(model: string): Promise<Uint8Array> {
  const h = await harness(onnxPipeline(styleManifest(`ref-${model.replace(/\W/g, '')}`, model)), SIZE);
  const out = await h.instance.process(await patternFrame(), h.params, h.step());
  const data = out.data.slice();
  await h.instance.dispose();
  return data;
}

/** Ticks the manual clock one frame at a time, letting the model's thread answer between ticks. */
async function tickUntil(engine: Engine, driver: ManualDriver, done: () => boolean, what: string, maxTicks = 500): Promise<number> {
  for (let i = 0; i < maxTicks; i++) {
    if (done()) return i;
    driver.tick(1);
    await new Promise((r) => setTimeout(r, 15));
  }
  throw new Error(`never: ${what}`);
}

/** A show on the manual clock with a style model registered as `styleId`, started. */
async function manualShow(styleId: string, size: string, decks: unknown[]): Promise<{ engine: Engine; driver: ManualDriver }> {
  const registry = new PipelineRegistry();
  registerBuiltins(registry);
  registry.register(onnxPipeline(styleManifest(styleId)), 'test');
  const show = checkShow({ size, decks, osc: { enabled: false } }, registry);
  const driver = new ManualDriver();
  const engine = await buildEngine(show, registry, { driver, log: silentLog });
  await engine.start();
  return { engine, driver };
}

describe('model hot-swap (manual clock)', () => {
  it('the old model keeps playing while the new one loads, then the output switches; no frame is missed; a failed swap keeps the current one', async () => {
    const { engine, driver } = await manualShow('style-live', `${SIZE.width}x${SIZE.height}`, [
      { id: 'a', source: { pipeline: 'test-pattern', params: { speed: 0, frameCode: false, disc: false } }, chain: [{ pipeline: 'style-live', params: { swapFade: 0 } }] },
    ]);
    cleanup.push(() => engine.stop());
    const stage = () => engine.stats().stages[1]!;
    const [candy, mosaic] = [await styled('style-candy-9.onnx'), await styled('style-mosaic-9.onnx')];
    expect(meanAbsDiff(candy, mosaic)).toBeGreaterThan(20);
    let ticks = await tickUntil(engine, driver, () => (stage().rate ?? 0) > 0, 'first result');
    driver.tick(1); // the result shows from the next frame on
    ticks++;
    expect(stage().status).toMatchObject({ state: 'loaded', current: 'style-candy-9.onnx' });
    expect(meanAbsDiff(engine.lastFrame!.data, candy)).toBeLessThan(5);

    expect(engine.params.set('/deck/a/fx/0/model', 'style-mosaic-9.onnx').ok).toBe(true);
    const states = new Set<string>();
    // Whenever the new model is current, the swap is over: never "loading" while the old one is let go.
    const statesWithMosaic = new Set<string>();
    ticks += await tickUntil(engine, driver, () => {
      const status = stage().status!;
      states.add(status.state);
      if (status.current === 'style-mosaic-9.onnx') statesWithMosaic.add(status.state);
      return status.current === 'style-mosaic-9.onnx' && meanAbsDiff(engine.lastFrame!.data, mosaic) < 5;
    }, 'the mosaic model in the output');
    expect(states.has('loading')).toBe(true);
    expect([...statesWithMosaic]).toEqual(['loaded']);
    expect(stage().status).toMatchObject({ state: 'loaded', current: 'style-mosaic-9.onnx', error: null });
    expect(engine.stats().frames).toBeGreaterThanOrEqual(ticks);
    expect(engine.stats().droppedFrames).toBe(0);

    // A file that is not there: an error shown, the current model plays on.
    expect(engine.params.set('/deck/a/fx/0/model', 'missing-style.onnx').ok).toBe(true);
    await tickUntil(engine, driver, () => stage().status!.state === 'error', 'the failed swap reported');
    expect(stage().status).toMatchObject({ state: 'error', current: 'style-mosaic-9.onnx' });
    expect(stage().status!.error).toMatch(/model file not found: .*missing-style\.onnx/);
    // Results keep coming from the current model: a few frames handed over after the failure, then the
    // clock held until the run in flight has finished (ticking on would hand it the next frame each time).
    driver.tick(5);
    await until(() => !stage().busy, 20_000, 'a result after the failed swap');
    driver.tick(1);
    expect(meanAbsDiff(engine.lastFrame!.data, mosaic)).toBeLessThan(5);
    // Paths outside the models folder are refused at the edge.
    const escape = engine.params.set('/deck/a/fx/0/model', '../../etc/passwd.onnx');
    expect(escape.ok).toBe(false);
  });
});

describe('shared sessions', () => {
  it('the same model in two decks opens one session; it is released with the last user', async () => {
    const before = openSessionCount();
    const { engine, driver } = await manualShow('style-shared', '64x36', [
      { id: 'a', source: { pipeline: 'test-pattern' }, chain: [{ pipeline: 'style-shared' }] },
      { id: 'b', source: { pipeline: 'gradient' }, chain: [{ pipeline: 'style-shared' }] },
    ]);
    expect(openSessionCount()).toBe(before + 1);
    await tickUntil(engine, driver, () => engine.stats().stages.filter((s) => (s.rate ?? 0) > 0).length === 2, 'both decks styled');
    await engine.stop();
    expect(openSessionCount()).toBe(before);
  });
});

describe('a swap still loading when its stage goes', () => {
  it('the model it was loading is let go once loaded: no session is left open', async () => {
    const before = openSessionCount();
    const { engine, driver } = await manualShow('style-gone', '64x36', [{ id: 'a', source: { pipeline: 'test-pattern' }, chain: [{ pipeline: 'style-gone' }] }]);
    const stage = () => engine.stats().stages[1]!;
    await tickUntil(engine, driver, () => (stage().rate ?? 0) > 0, 'first result');
    expect(engine.params.set('/deck/a/fx/0/model', 'style-mosaic-9.onnx').ok).toBe(true);
    await tickUntil(engine, driver, () => stage().status!.state === 'loading', 'the swap started');
    await engine.stop();
    // The candy session went with the stage; the mosaic one, still opening then, goes once it has opened.
    await until(() => openSessionCount() === before, 20_000, 'every session of the stage released');
  });
});

describe('a model kept busy', () => {
  it('the next frame reaches the model while its run is in flight (the pixel work beside it), and results come back in frame order', { timeout: 60_000 }, async () => {
    // The real pipeline inside a wrapper that notes each frame handed over, and whether another was still
    // in flight then; the frames carry their index as the test pattern's code, so each result is known.
    const real = onnxPipeline(styleManifest('style-busy'));
    const calls: { index: number; behind: boolean }[] = [];
    const results: number[] = [];
    let inFlight = 0;
    const watched = definePipeline({
      ...real, id: 'watched-style',
      async create(ctx) {
        const inner = await real.create(ctx);
        return {
          wantsNextInput: () => inner.wantsNextInput?.() === true,
          async process(input, p, clock) {
            calls.push({ index: input!.index, behind: inFlight > 0 });
            inFlight++;
            try {
              const out = await inner.process(input, p, clock);
              results.push(out.index);
              return out;
            } finally {
              inFlight--;
            }
          },
          dispose: () => inner.dispose(),
        };
      },
    });
    const registry = new PipelineRegistry();
    registerBuiltins(registry);
    registry.register(watched, 'test');
    // A working size that keeps the model busy for a few frames a run, as a show's would.
    const show = checkShow({ size: '320x180', fps: 30, decks: [{ id: 'a', source: { pipeline: 'test-pattern' }, chain: [{ pipeline: 'watched-style', params: { workingWidth: 256, workingHeight: 144 } }] }], osc: { enabled: false } }, registry);
    const engine = await buildEngine(show, registry, { driver: new RealtimeDriver(), log: silentLog });
    await engine.start();
    try {
      await until(() => results.length >= 10 && calls.some((c) => c.behind), 40_000, 'ten results, a frame handed over behind a run');
    } finally {
      await engine.stop();
    }
    expect(engine.stats().stages[1]!.errors).toBe(0);
    // Each result is the frame it was asked for, in the order asked.
    expect(results).toEqual(calls.slice(0, results.length).map((c) => c.index));
    for (let i = 1; i < results.length; i++) expect(results[i]).toBeGreaterThan(results[i - 1]!);
  });
});

describe('a stalled model', () => {
  it('a real session whose run never resolves is bypassed after its timeout (last good picture), and the output keeps rendering', async () => {
    const manifest = readManifest(styleManifest('style-stall'));
    // The session answers until the test has seen its styled picture, then never again; the switch is the
    // test's, so a first run slowed by a busy machine cannot be taken for the stall.
    let stall = false;
    const stalling = definePipeline({
      id: 'stalling-style', name: 'Stalls when told', kind: 'effect', execution: 'decoupled', stallTimeoutMs: 1000,
      params: Param.object({}),
      async create(ctx) {
        const { session, release } = await acquireSession(manifest, ctx.log);
        const real = onnxPipeline(styleManifest('style-stall-real'));
        const inner = await real.create(ctx);
        return {
          async process(input, _p, clock) {
            if (stall) return new Promise<Frame>(() => {}); // the session never answers again
            void session;
            return inner.process(input, { mix: 1, workingWidth: 96, workingHeight: 56, model: '', swapFade: 0 }, clock);
          },
          async dispose() {
            await inner.dispose();
            await release();
          },
        };
      },
    });
    const registry = new PipelineRegistry();
    registerBuiltins(registry);
    registry.register(stalling, 'test');
    const candy = await styled('style-candy-9.onnx');
    const show = checkShow({ size: '160x90', fps: 30, decks: [{ id: 'a', source: { pipeline: 'test-pattern', params: { speed: 0, frameCode: false, disc: false } }, chain: [{ pipeline: 'stalling-style' }] }], osc: { enabled: false } }, registry);
    const engine = await buildEngine(show, registry, { driver: new RealtimeDriver(), log: silentLog });
    await engine.start();
    const shownNow = (): Uint8Array | null => engine.lastFrame?.data ?? null;
    await until(() => { const f = shownNow(); return f !== null && meanAbsDiff(f, candy) < 5; }, 20_000, 'the styled picture');
    const errorsBefore = engine.stats().stages[1]!.errors;
    stall = true;
    // The stalled run is given up after its timeout; meanwhile and after it the loop renders on.
    await until(() => engine.stats().stages[1]!.errors > errorsBefore, 10_000, 'the stall reported');
    await expectRendering(engine, 1500);
    const stage = engine.stats().stages[1]!;
    const shown = engine.lastFrame!.data.slice();
    await engine.stop();
    expect(stage.lastError).toMatch(/stalled: no result after 1000 ms/);
    // Never black: the last good (styled) picture stays.
    expect(meanAbsDiff(shown, candy)).toBeLessThan(5);
  });
});
