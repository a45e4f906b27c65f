import { describe, expect, it } from 'vitest';
import { Type } from '@sinclair/typebox';
import { ManualDriver } from '../../core/driver.js';
import { createFrame, type Frame } from '../../core/frame.js';
import type { Log } from '../../core/log.js';
import { silentLog } from '../../core/log.js';
import { Param } from '../../core/params.js';
import { definePipeline } from '../../pipelines/contract.js';
import { registerBuiltins } from '../../pipelines/builtins/index.js';
import { PipelineRegistry } from '../../pipelines/registry.js';
import { buildEngine } from '../../host/build-engine.js';
import { checkShow } from '../../host/show.js';
import { CollectingOutput } from '../helpers/collecting-output.js';
import { recordingLog } from '../helpers/recording-log.js';

/** A decoupled stage whose every run waits until the test releases it, like a slow model. */
function controllableModel() {
  const pending: { input: Frame | null; resolve: (f: Frame) => void }[] = [];
  const definition = definePipeline({
    id: 'slow-model',
    name: 'Slow model',
    kind: 'effect',
    execution: 'decoupled',
    params: Param.object({ gain: Param.number({ default: 1, min: 0, max: 2 }), targetFps: Param.number({ default: 0, min: 0, max: 120 }) }),
    create(ctx) {
      const out = ctx.pool.acquire(ctx.width, ctx.height);
      return {
        process(input) {
          return new Promise<Frame>((resolve) => pending.push({ input, resolve }));
        },
        dispose() {},
        out,
      };
    },
  });
  return { definition, pending };
}

const throwing = definePipeline({
  id: 'throws',
  name: 'Throws',
  kind: 'effect',
  params: Type.Object({}),
  create: () => ({
    process() {
      throw new Error('boom');
    },
    dispose() {},
  }),
});

async function engineFor(show: Record<string, unknown>, extra: ReturnType<typeof definePipeline>[] = [], log: Log = silentLog) {
  const registry = new PipelineRegistry();
  registerBuiltins(registry);
  for (const d of extra) registry.register(d, 'test');
  const driver = new ManualDriver();
  const full = checkShow({ size: '64x36', fps: 30, outputs: [], ...show }, registry);
  const engine = await buildEngine(full, registry, { driver, log });
  const output = new CollectingOutput();
  engine.addOutput(output);
  await engine.start();
  return { engine, driver, output };
}

const solid = (color: string) => ({ id: 'a', source: { pipeline: 'solid', params: { color } }, chain: [] });

describe('engine (manual clock)', () => {
  it('hands every tick a frame carrying that tick’s index', async () => {
    const { driver, output } = await engineFor({ decks: [{ id: 'a', source: { pipeline: 'test-pattern', params: {} }, chain: [] }] });
    driver.tick(5);
    expect(output.frames.map((f) => f.index)).toEqual([0, 1, 2, 3, 4]);
  });

  it('bypasses a stage that throws on every frame: the input passes through, the error is counted and reported once', async () => {
    const lines: string[] = [];
    const { engine, driver, output } = await engineFor(
      { decks: [{ id: 'a', source: { pipeline: 'solid', params: { color: '#ff8000' } }, chain: [{ pipeline: 'throws', params: {} }] }] },
      [throwing],
      recordingLog(lines),
    );
    driver.tick(30);
    expect(output.frames).toHaveLength(30);
    expect(output.frames.every((f) => f.pixel0.join() === '255,128,0,255')).toBe(true);
    const stage = engine.stats().stages.find((s) => s.pipeline === 'throws')!;
    expect(stage.errors).toBe(30);
    expect(stage.lastError).toBe('boom');
    expect(lines.filter((l) => l.includes('boom'))).toHaveLength(1);
  });

  it('bypasses stages that break the contract (wrong frame size, a Promise from an inline stage) with a clear reason', async () => {
    const wrongSize = definePipeline({
      id: 'wrong-size', name: 'Wrong size', kind: 'effect', params: Type.Object({}),
      create: () => ({ process: () => createFrame(8, 8), dispose() {} }),
    });
    const sneakyAsync = definePipeline({
      id: 'sneaky-async', name: 'Sneaky async', kind: 'effect', params: Type.Object({}),
      create: () => ({ process: (input: Frame | null) => Promise.resolve(input!), dispose() {} }),
    });
    const { engine, driver, output } = await engineFor(
      { decks: [{ id: 'a', source: { pipeline: 'solid', params: { color: '#102030' } }, chain: [{ pipeline: 'wrong-size' }, { pipeline: 'sneaky-async' }] }] },
      [wrongSize, sneakyAsync],
    );
    driver.tick(3);
    expect(output.frames.map((f) => f.pixel0)).toEqual([[16, 32, 48, 255], [16, 32, 48, 255], [16, 32, 48, 255]]);
    const [, bad, sneaky] = engine.stats().stages;
    expect(bad!.lastError).toBe('process() returned a 8x8 frame; the show is 64x36');
    expect(sneaky!.lastError).toMatch(/returned a Promise from process\(\); declare execution: 'decoupled'/);
  });

  it('a pipeline whose create() fails is bypassed from the first frame and says why', async () => {
    const cannotStart = definePipeline({
      id: 'cannot-start', name: 'Cannot start', kind: 'effect', params: Type.Object({}),
      create: () => Promise.reject(new Error('model file missing')),
    });
    const { engine, driver, output } = await engineFor(
      { decks: [{ id: 'a', source: { pipeline: 'solid', params: { color: '#ffffff' } }, chain: [{ pipeline: 'cannot-start' }] }] },
      [cannotStart],
    );
    driver.tick(2);
    expect(output.frames).toHaveLength(2);
    expect(engine.stats().stages[1]!.lastError).toBe('could not start: model file missing');
  });

  it('a decoupled stage whose run rejects keeps the last good result and counts the error', async () => {
    const model = controllableModel();
    const { engine, driver, output } = await engineFor(
      { decks: [{ id: 'a', source: { pipeline: 'solid', params: { color: '#010203' } }, chain: [{ pipeline: 'slow-model' }] }] },
      [model.definition],
    );
    driver.tick(1);
    expect(output.frames.at(-1)!.pixel0).toEqual([1, 2, 3, 255]); // no result yet: input passes through
    const good = createFrame(64, 36);
    good.data.fill(9);
    model.pending[0]!.resolve(good);
    await new Promise((r) => setImmediate(r));
    driver.tick(1);
    (model.pending[1] as unknown as { resolve: (f: unknown) => void }).resolve(createFrame(2, 2)); // wrong size
    await new Promise((r) => setImmediate(r));
    driver.tick(1);
    expect(output.frames.at(-1)!.pixel0).toEqual([9, 9, 9, 9]);
    expect(engine.stats().stages[1]).toMatchObject({ errors: 1, lastError: 'process() returned a 2x2 frame; the show is 64x36' });
  });

  it('a decoupled stage with a target rate runs no more often than that, however fast it answers', async () => {
    const model = controllableModel();
    const { driver } = await engineFor(
      { fps: 30, decks: [{ id: 'a', source: { pipeline: 'solid', params: {} }, chain: [{ pipeline: 'slow-model', params: { targetFps: 10 } }] }] },
      [model.definition],
    );
    const launchedAt: number[] = [];
    for (let tick = 0; tick < 30; tick++) {
      driver.tick(1);
      if (model.pending.length) launchedAt.push(tick);
      // Every run answers at once.
      for (const run of model.pending.splice(0)) run.resolve(run.input!);
      await new Promise((r) => setImmediate(r));
    }
    expect(launchedAt).toEqual([0, 3, 6, 9, 12, 15, 18, 21, 24, 27]); // 10 a second at 30 fps
  });

  it('a decoupled stage slower than the tick never builds a backlog: one run in flight, newest input next, skips counted', async () => {
    const model = controllableModel();
    const { engine, driver, output } = await engineFor(
      { decks: [{ id: 'a', source: { pipeline: 'test-pattern', params: {} }, chain: [{ pipeline: 'slow-model', params: {} }] }] },
      [model.definition],
    );
    driver.tick(10);
    expect(model.pending).toHaveLength(1); // only the first input was taken; nine ticks went by while busy
    expect(model.pending[0]!.input!.index).toBe(0);
    expect(output.frames).toHaveLength(10); // the output never waited
    let stage = engine.stats().stages.find((s) => s.pipeline === 'slow-model')!;
    expect(stage.skippedInputs).toBe(9);
    expect(stage.busy).toBe(true);

    // The model finishes: its result is shown from the next tick, and it takes the newest input.
    const result = createFrame(64, 36);
    result.data.fill(77);
    model.pending[0]!.resolve(result);
    await Promise.resolve();
    await Promise.resolve();
    driver.tick(1);
    expect(model.pending).toHaveLength(2);
    expect(model.pending[1]!.input!.index).toBe(10);
    expect(output.frames.at(-1)!.pixel0).toEqual([77, 77, 77, 77]);
    stage = engine.stats().stages.find((s) => s.pipeline === 'slow-model')!;
    expect(stage.skippedInputs).toBe(9);
  });

  it('counts ticks skipped when the loop falls behind as dropped frames', async () => {
    const { engine, driver, output } = await engineFor({ decks: [solid('#000000')] });
    driver.tick(3);
    driver.skip(5);
    driver.tick(2);
    expect(engine.stats().droppedFrames).toBe(5);
    expect(output.frames.map((f) => f.index)).toEqual([0, 1, 2, 8, 9, 10]);
  });

  it('allocates no frame buffers in steady state', async () => {
    const { engine, driver } = await engineFor({
      decks: [
        { id: 'a', source: { pipeline: 'test-pattern', params: {} }, chain: [{ pipeline: 'feedback', params: { zoom: 1.1 } }] },
        { id: 'b', source: { pipeline: 'gradient', params: {} }, chain: [] },
      ],
      mixer: { crossfade: 0.5, mode: 'screen' },
    });
    driver.tick(5);
    const warm = engine.pool.allocated;
    driver.tick(200);
    expect(engine.pool.allocated).toBe(warm);
  });

  it('applies a parameter change at the next frame boundary, clamped to its range', async () => {
    const { engine, driver, output } = await engineFor({ decks: [solid('#000000')] });
    driver.tick(1);
    expect(engine.params.set('/deck/a/source/color', '#00ff00')).toMatchObject({ ok: true });
    expect(output.frames.at(-1)!.pixel0).toEqual([0, 0, 0, 255]); // not mid-frame
    driver.tick(1);
    expect(output.frames.at(-1)!.pixel0).toEqual([0, 255, 0, 255]);
    expect(engine.params.set('/mixer/crossfade', 7)).toEqual({ ok: true, value: 1, clamped: true });
    expect(engine.params.set('/deck/a/source/nope', 1)).toMatchObject({ ok: false, code: 'VJ_PARAM_UNKNOWN' });
    expect(engine.params.set('/deck/a/source/opacity', Number.NaN)).toMatchObject({ ok: false, code: 'VJ_PARAM_INVALID' });
  });

  it('mixes deck A and B with the crossfader and blend modes', async () => {
    const decks = [solid('#c80000'), { ...solid('#0000c8'), id: 'b' }];
    const { engine, driver, output } = await engineFor({ decks, mixer: { crossfade: 0 } });
    driver.tick(1);
    expect(output.frames.at(-1)!.pixel0).toEqual([200, 0, 0, 255]);
    engine.params.set('/mixer/crossfade', 1);
    driver.tick(1);
    expect(output.frames.at(-1)!.pixel0).toEqual([0, 0, 200, 255]);
    engine.params.set('/mixer/crossfade', 0.5);
    driver.tick(1);
    expect(output.frames.at(-1)!.pixel0).toEqual([100, 0, 100, 255]);
    engine.params.set('/mixer/mode', 'add');
    engine.params.set('/mixer/crossfade', 1);
    driver.tick(1);
    expect(output.frames.at(-1)!.pixel0).toEqual([200, 0, 200, 255]);
    engine.params.set('/mixer/mode', 2); // enums accept an index: multiply
    driver.tick(1);
    expect(output.frames.at(-1)!.pixel0).toEqual([0, 0, 0, 255]);
  });

  it('keeps musical time: 120 BPM gives one beat per 15 frames at 30 fps, and a tempo change does not jump the beat', async () => {
    const { engine, driver } = await engineFor({ decks: [solid('#000000')] });
    driver.tick(16);
    expect(engine.stats().clock.beat).toBeCloseTo(1, 5);
    engine.params.set('/clock/bpm', 60);
    driver.tick(30);
    expect(engine.stats().clock.beat).toBeCloseTo(2, 5);
  });
});

describe('a stalled decoupled stage (manual clock and time)', () => {
  it('is bypassed after its timeout, shows why, retries with backoff, and every frame still goes out', async () => {
    let time = 0;
    let calls = 0;
    let retriedAt = -1;
    const stalling = definePipeline({
      id: 'stalls-once', name: 'Stalls once', kind: 'effect', execution: 'decoupled', stallTimeoutMs: 200, params: Type.Object({}),
      create: (ctx) => {
        const out = ctx.pool.acquire(ctx.width, ctx.height);
        out.data.fill(200);
        return {
          process: () => {
            if (++calls === 2) retriedAt = time;
            return calls === 1 ? new Promise<Frame>(() => {}) : Promise.resolve(out); // the first run never returns
          },
          dispose() {},
        };
      },
    });
    const registry = new PipelineRegistry();
    registerBuiltins(registry);
    registry.register(stalling, 'test');
    const show = checkShow({ size: '32x18', decks: [{ id: 'a', source: { pipeline: 'solid', params: { color: '#0a0b0c' } }, chain: [{ pipeline: 'stalls-once' }] }] }, registry);
    const driver = new ManualDriver();
    const engine = await buildEngine(show, registry, { driver, log: silentLog, now: () => time });
    const output = new CollectingOutput();
    engine.addOutput(output);
    await engine.start();
    const tick = async (n: number) => {
      for (let i = 0; i < n; i++) {
        time += 50;
        driver.tick();
        await Promise.resolve();
      }
    };
    await tick(4); // 200 ms: still waiting
    expect(engine.stats().stages[1]!.errors).toBe(0);
    await tick(2); // past the timeout: bypassed, reported
    expect(engine.stats().stages[1]).toMatchObject({ errors: 1, lastError: 'stalled: no result after 200 ms; bypassed, retrying', busy: false });
    expect(output.frames.at(-1)!.pixel0).toEqual([10, 11, 12, 255]); // the dry input, never black
    expect(calls).toBe(1);
    await tick(10); // within the 1 s backoff: no new try
    expect(calls).toBe(1);
    await tick(12); // after it: retried, and the result shows
    await new Promise((r) => setImmediate(r));
    await tick(1);
    expect(retriedAt).toBeGreaterThanOrEqual(300 + 1000); // stalled at 300 ms, backoff 1 s
    expect(output.frames.at(-1)!.pixel0).toEqual([200, 200, 200, 200]);
    expect(engine.stats().stages[1]!.errors).toBe(1);
    expect(output.frames).toHaveLength(29); // one frame per tick throughout
  });
});

describe('between results of a slow decoupled stage (manual clock and time)', () => {
  it('hold shows each result until the next; crossfade fades one into the next over the time between them', async () => {
    let time = 0;
    let level = 0;
    const resolvers: (() => void)[] = [];
    const slow = definePipeline({
      id: 'slow-levels', name: 'Slow levels', kind: 'effect', execution: 'decoupled',
      params: Type.Object({ betweenResults: Type.String({ enum: ['hold', 'crossfade'], default: 'hold' }) }),
      create: (ctx) => {
        const out = ctx.pool.acquire(ctx.width, ctx.height);
        return {
          process: () =>
            new Promise<Frame>((resolve) => {
              resolvers.push(() => {
                out.data.fill(level);
                resolve(out);
              });
            }),
          dispose() {},
        };
      },
    });
    const run = async (mode: string): Promise<number[]> => {
      time = 0;
      resolvers.length = 0;
      const registry = new PipelineRegistry();
      registerBuiltins(registry);
      registry.register(slow, 'test');
      const show = checkShow({ size: '16x16', decks: [{ id: 'a', source: { pipeline: 'solid' }, chain: [{ pipeline: 'slow-levels', params: { betweenResults: mode } }] }] }, registry);
      const driver = new ManualDriver();
      const engine = await buildEngine(show, registry, { driver, log: silentLog, now: () => time });
      const output = new CollectingOutput();
      engine.addOutput(output);
      await engine.start();
      const tick = async (): Promise<void> => {
        time += 100;
        driver.tick();
        await new Promise((r) => setImmediate(r));
      };
      // Results arrive every 400 ms: level 0, then 200.
      await tick();
      level = 0;
      resolvers.shift()!();
      await tick();
      await tick();
      await tick();
      await tick();
      level = 200;
      resolvers.shift()!();
      for (let i = 0; i < 6; i++) await tick();
      await engine.stop();
      return output.frames.slice(-6).map((f) => f.pixel0[0]!);
    };
    expect(await run('hold')).toEqual([200, 200, 200, 200, 200, 200]);
    const faded = await run('crossfade');
    // From 0 to 200 over the 400 ms the model took between its two results, then held.
    expect(faded[0]).toBeLessThan(faded[1]!);
    expect(faded[1]).toBeLessThan(faded[2]!);
    expect(faded[2]).toBeLessThan(200);
    expect(faded.slice(-2)).toEqual([200, 200]);
  });
});

describe('an inline stage too slow for the frame loop (manual clock and time)', () => {
  it('is bypassed after 5 of 10 frames over two frame periods, says why, is tried again after 1 s and comes back when fast', async () => {
    let time = 0;
    let slow = true;
    let calls = 0;
    // Its work is the time it adds to the engine's clock: 200 ms a frame, as a heavy plugin would take.
    const heavy = definePipeline({
      id: 'heavy', name: 'Heavy', kind: 'effect', params: Type.Object({}),
      create: (ctx) => {
        const out = ctx.pool.acquire(ctx.width, ctx.height);
        out.data.fill(99);
        return {
          process: () => {
            calls++;
            time += slow ? 200 : 1;
            return out;
          },
          dispose() {},
        };
      },
    });
    const registry = new PipelineRegistry();
    registerBuiltins(registry);
    registry.register(heavy, 'test');
    const show = checkShow({ size: '32x18', fps: 30, decks: [{ id: 'a', source: { pipeline: 'solid', params: { color: '#0a0b0c' } }, chain: [{ pipeline: 'heavy' }] }] }, registry);
    const driver = new ManualDriver();
    const lines: string[] = [];
    const engine = await buildEngine(show, registry, { driver, log: recordingLog(lines), now: () => time });
    const output = new CollectingOutput();
    engine.addOutput(output);
    await engine.start();
    const tick = (n: number): void => {
      for (let i = 0; i < n; i++) {
        time += 33;
        driver.tick();
      }
    };
    tick(4);
    expect(engine.stats().stages[1]!.errors).toBe(0);
    tick(1); // the fifth slow frame
    expect(engine.stats().stages[1]).toMatchObject({ errors: 1, bypassed: true, lastError: 'too slow for the frame loop (200 ms of a 33.3 ms frame); bypassed, tried again in 1 s' });
    expect(lines.join('\n')).toMatch(/a\/fx\/0 \(heavy\) failed and is bypassed: too slow for the frame loop/);
    tick(5);
    expect(calls).toBe(5); // not called while bypassed
    expect(output.frames.at(-1)!.pixel0).toEqual([10, 11, 12, 255]); // the input passes through
    tick(30); // past 1 s: one try, still slow: bypassed again, for 2 s
    expect(calls).toBe(6);
    expect(engine.stats().stages[1]!.lastError).toMatch(/tried again in 2 s$/);
    slow = false;
    tick(61); // past 2 s: the try keeps within the budget, and it stays
    expect(engine.stats().stages[1]!.bypassed).toBeFalsy();
    const before = calls;
    tick(3);
    expect(calls).toBe(before + 3);
    expect(output.frames.at(-1)!.pixel0).toEqual([99, 99, 99, 99]);
    await engine.stop();
  });
});
