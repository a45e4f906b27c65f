import { describe, expect, it } from 'vitest';
import { initialClockState } from '../../core/clock.js';
import { createFrame, type Frame } from '../../core/frame.js';
import { FramePool } from '../../core/frame-pool.js';
import type { AnyParams, PipelineInstance } from '../../pipelines/contract.js';
import { DecoupledRunner } from '../../pipelines/stage/decoupled-runner.js';
import type { StageStats } from '../../pipelines/stage/stage-stats.js';

// The decoupled runner with a pipeline whose runs the test settles by hand (a model stands in: its
// timing is what is under test, not its pictures), on a clock the test moves.
const SIZE = { width: 4, height: 2 };

function frameOf(value: number): Frame {
  const frame = createFrame(SIZE.width, SIZE.height);
  frame.data.fill(value);
  return frame;
}

function setup(wants: () => boolean | undefined) {
  const calls: { input: Frame; seen: number; settle: (value: number) => void; fail: (e: Error) => void }[] = [];
  const instance: PipelineInstance<AnyParams> = {
    process(input) {
      return new Promise<Frame>((resolve, reject) => {
        calls.push({ input: input!, seen: input!.data[0]!, settle: (value) => resolve(frameOf(value)), fail: reject });
      });
    },
    dispose() {},
  };
  if (wants() !== undefined) instance.wantsNextInput = () => wants() === true;
  let now = 0;
  const errors: string[] = [];
  const pool = new FramePool();
  const runner = new DecoupledRunner(instance, {}, pool, { recordError: (e) => errors.push(String(e)), now: () => now }, 1000);
  const clock = initialClockState(30);
  const tick = (input: number) => {
    now += 33;
    return runner.run(frameOf(input), clock, SIZE);
  };
  const busy = () => {
    const stats = {} as StageStats;
    runner.describe(stats);
    return stats;
  };
  return { calls, tick, errors, busy, runner, pool, advance: (ms: number) => (now += ms) };
}

const settled = () => new Promise((r) => setTimeout(r, 0));

describe('the decoupled runner', () => {
  it('without wantsNextInput: one run at a time, newer inputs skipped until it is back', async () => {
    const t = setup(() => undefined);
    t.tick(1);
    t.tick(2);
    t.tick(3);
    expect(t.calls).toHaveLength(1);
    expect(t.busy().skippedInputs).toBe(2);
    t.calls[0]!.settle(10);
    await settled();
    expect(t.tick(4)?.data[0]).toBe(10);
    expect(t.calls).toHaveLength(2);
    expect(t.calls[1]!.seen).toBe(4);
  });

  it('a pipeline that wants its next input gets it while a run is in flight, reading its own copy; never a third', async () => {
    let wants = false;
    const t = setup(() => wants);
    t.tick(1);
    t.tick(2);
    expect(t.calls).toHaveLength(1);
    wants = true;
    t.tick(3);
    expect(t.calls).toHaveLength(2);
    // The first run's input is still its own frame, not overwritten by the second's.
    expect(t.calls[0]!.input.data[0]).toBe(1);
    expect(t.calls[1]!.input.data[0]).toBe(3);
    expect(t.calls[0]!.input).not.toBe(t.calls[1]!.input);
    t.tick(4);
    t.tick(5);
    expect(t.calls).toHaveLength(2);
    // In order: the first result shows, then the second; with one in flight again, a new input goes in.
    t.calls[0]!.settle(11);
    await settled();
    expect(t.tick(6)?.data[0]).toBe(11);
    expect(t.calls).toHaveLength(3);
    expect(t.calls[2]!.seen).toBe(6);
    // The third reads the copy the first read (the second's is still in use).
    expect(t.calls[2]!.input).toBe(t.calls[0]!.input);
    expect(t.calls[1]!.input.data[0]).toBe(3);
    t.calls[1]!.settle(12);
    await settled();
    expect(t.tick(7)?.data[0]).toBe(12);
  });

  it('two runs in flight that stall are both given up, reported once, and tried again after the backoff', async () => {
    const t = setup(() => true);
    t.tick(1);
    t.tick(2);
    expect(t.calls).toHaveLength(2);
    t.advance(1100);
    t.tick(3);
    expect(t.errors).toHaveLength(1);
    expect(t.errors[0]).toMatch(/stalled: no result after 1000 ms/);
    expect(t.busy().busy).toBe(false);
    // Late answers of the abandoned runs are ignored.
    t.calls[0]!.settle(20);
    t.calls[1]!.settle(21);
    await settled();
    expect(t.tick(4)).toBeNull();
    t.advance(1000);
    t.tick(5);
    expect(t.calls).toHaveLength(3);
    expect(t.calls[2]!.seen).toBe(5);
  });

  it('a failed run behind another leaves the first one\'s result to show', async () => {
    const t = setup(() => true);
    t.tick(1);
    t.tick(2);
    t.calls[1]!.fail(new Error('bad frame'));
    t.calls[0]!.settle(30);
    await settled();
    expect(t.tick(3)?.data[0]).toBe(30);
    expect(t.errors).toEqual(['Error: bad frame']);
  });

  it('gives back both of its input copies on dispose', () => {
    const t = setup(() => true);
    t.tick(1);
    t.tick(2);
    const taken = t.pool.allocated;
    expect(taken).toBe(2);
    t.runner.dispose();
    expect(t.pool.available).toBe(taken);
  });
});
