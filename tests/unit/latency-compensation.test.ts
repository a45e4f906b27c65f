import { describe, expect, it } from 'vitest';
import { ManualDriver } from '../../core/driver.js';
import type { Frame } from '../../core/frame.js';
import { silentLog } from '../../core/log.js';
import { Param } from '../../core/params.js';
import { buildEngine } from '../../host/build-engine.js';
import { checkShow } from '../../host/show.js';
import { registerBuiltins } from '../../pipelines/builtins/index.js';
import { definePipeline } from '../../pipelines/contract.js';
import { PipelineRegistry } from '../../pipelines/registry.js';
import { PresetPlayer } from '../../presets/preset-player.js';

// Latency compensation on the manual clock, with a stub for a model (a real one cannot have a fixed
// latency): a decoupled stage whose result, a frame of its `level` parameter as it was when the run
// started, arrives exactly LATENCY ticks later. clock:pulse (1 on each beat) drives that level, so the
// output is bright on the frames that show a run started on a beat's value.
const LATENCY = 5; // ticks: 167 ms at 30 fps
const BEAT = 15; // ticks a beat at 120 BPM and 30 fps

async function showWithModel(routes: unknown[] = [{ source: 'clock:pulse', target: '/deck/a/fx/0/level', amount: 1 }]) {
  const runs: { launched: number; level: number; resolve: (f: Frame) => void }[] = [];
  let tick = 0;
  const model = definePipeline({
    id: 'fixed-latency', name: 'Fixed latency', kind: 'effect', execution: 'decoupled',
    params: Param.object({ level: Param.number({ default: 0, min: 0, max: 1 }) }),
    create(ctx) {
      const out = ctx.pool.acquire(ctx.width, ctx.height);
      return {
        process(_input, p) {
          const level = p.level;
          return new Promise<Frame>((resolve) => runs.push({ launched: tick, level, resolve: (f) => resolve(f) }));
        },
        dispose: () => ctx.pool.release(out),
        out,
      };
    },
  });
  const registry = new PipelineRegistry();
  registerBuiltins(registry);
  registry.register(model, 'test');
  const show = checkShow({
    size: '16x16', fps: 30, bpm: 120, outputs: [], osc: { enabled: false },
    decks: [{ id: 'a', source: { pipeline: 'solid', params: { color: '#000000' } }, chain: [{ pipeline: 'fixed-latency' }] }],
    modulation: { routes },
  }, registry);
  const driver = new ManualDriver();
  const engine = await buildEngine(show, registry, { driver, log: silentLog });
  await engine.start();
  let wasBright = false;
  /** Runs `ticks` frames; returns the ticks where the output turned bright (a run started on a beat's value shows, and holds). */
  const play = async (ticks: number): Promise<number[]> => {
    const bright: number[] = [];
    for (let i = 0; i < ticks; i++, tick++) {
      driver.tick(1);
      const isBright = (engine.lastFrame?.data[0] ?? 0) > 250;
      if (isBright && !wasBright) bright.push(tick);
      wasBright = isBright;
      // Results due by the next tick arrive now.
      for (const run of runs.filter((r) => r.launched + LATENCY - 1 <= tick)) {
        runs.splice(runs.indexOf(run), 1);
        const frame = { width: 16, height: 16, data: new Uint8Array(16 * 16 * 4).fill(Math.round(run.level * 255)), index: 0, time: 0 };
        run.resolve(frame);
      }
      await new Promise((r) => setImmediate(r));
    }
    return bright;
  };
  return { engine, play };
}

const onBeat = (ticks: number[]) => ticks.map((t) => t % BEAT);

describe('latency compensation', () => {
  it('with it, a beat-locked change before a model shows on the beat; without it, one latency late; by hand, as set', async () => {
    const { engine, play } = await showWithModel();
    await play(BEAT * 2); // the delay is measured from the first results on
    expect(engine.stats().sections.latency).toMatchObject({ mode: 'auto', lanes: [{ deck: 'a', stages: '0..1', ms: expect.closeTo((LATENCY * 1000) / 30, 1) as unknown }] });
    const compensated = await play(BEAT * 4);
    expect(compensated.length).toBe(4);
    expect(onBeat(compensated)).toEqual([0, 0, 0, 0]); // on the beat, to the frame

    engine.params.set('/latency/compensation', 'off');
    await play(BEAT); // a run started before the switch still shows
    const late = await play(BEAT * 4);
    expect(late.length).toBe(4);
    expect(onBeat(late)).toEqual([LATENCY, LATENCY, LATENCY, LATENCY]); // one latency after each beat

    engine.params.set('/latency/compensation', 'manual');
    engine.params.set('/latency/lookahead', LATENCY / 30);
    await play(BEAT);
    const byHand = await play(BEAT * 4);
    expect(onBeat(byHand)).toEqual([0, 0, 0, 0]);
    await engine.stop();
  });

  it('a preset recalled on the next beat reaches the output on that beat through the model; without compensation one latency after', async () => {
    const { engine, play } = await showWithModel([]);
    const player = new PresetPlayer(engine.params, engine.modulation.matrix, (path) => engine.secondsAhead(path));
    engine.addClockListener((clock) => player.frame(clock, 0));
    const transition = { mode: 'instant', duration: 0, unit: 'seconds', curve: 'linear', switchAt: 'middle', quantize: 'beat' } as const;
    const preset = (level: number) => ({ version: 2, name: `level ${level}`, params: { '/deck/a/fx/0/level': level }, transition });
    await play(BEAT * 2); // the delay measured
    for (const mode of ['auto', 'off'] as const) {
      engine.params.set('/latency/compensation', mode);
      player.recall(preset(0) as never);
      await play(BEAT * 2);
      await play(3); // a little into a beat, then asked for the next one
      player.recall(preset(1) as never);
      const turned = await play(BEAT * 2);
      expect([mode, turned.map((t) => t % BEAT)]).toEqual([mode, [mode === 'auto' ? 0 : LATENCY]]);
    }
  });
});
