import { describe, expect, it } from 'vitest';
import { RunTiming } from '../../pipelines/onnx/run-timing.js';

// When a model's stage hands over its next frame, from what the session's thread reports (times given
// by the test, in epoch ms as the threads send them).
const FRAME = 1000 / 30;

describe('run timing', () => {
  it('wants a frame when the session is free, or will be before a frame handed over at the next tick could reach it', () => {
    const t = new RunTiming();
    expect(t.wantsNextInput(FRAME, 0)).toBe(true);
    t.sent(1);
    // Sent and not started: another frame would only wait behind it.
    expect(t.wantsNextInput(FRAME, 0)).toBe(false);
    t.started(1, 10, 2);
    // How long runs take is not known yet.
    expect(t.wantsNextInput(FRAME, 20)).toBe(false);
    // The session's first run warms it up: it says nothing of the next ones.
    t.ran(1, 300);
    t.settled(1);
    expect(t.wantsNextInput(FRAME, 320)).toBe(true);
    t.sent(2);
    t.started(2, 400, 2);
    expect(t.wantsNextInput(FRAME, 500)).toBe(false);
    t.ran(2, 100);
    t.settled(2);
    t.sent(3);
    t.started(3, 600, 2);
    // Runs take 100 ms: it ends at 700. A tick at 630 is too early (the next tick, at 663, still reaches it in time)...
    expect(t.wantsNextInput(FRAME, 630)).toBe(false);
    // ...a tick at 665 is the last that does.
    expect(t.wantsNextInput(FRAME, 665)).toBe(true);
    t.sent(4);
    expect(t.wantsNextInput(FRAME, 666)).toBe(false);
  });

  it('an odd slow run does not move the expected length', () => {
    const t = new RunTiming();
    const run = (id: number, at: number, ms: number) => {
      t.sent(id);
      t.started(id, at, 1);
      t.ran(id, ms);
      t.settled(id);
    };
    run(1, 0, 500);
    run(2, 1000, 100);
    run(3, 2000, 100);
    run(4, 3000, 400);
    expect(t.inferenceMs).toBe(100);
    t.sent(5);
    t.started(5, 4000, 1);
    expect(t.wantsNextInput(FRAME, 4065)).toBe(true);
  });

  it('a failed frame frees the session', () => {
    const t = new RunTiming();
    t.sent(1);
    t.started(1, 0, 1);
    t.ran(1, 80);
    t.sent(2);
    t.started(2, 90, 1);
    t.ran(2, 50);
    t.sent(3);
    t.started(3, 150, 1);
    expect(t.wantsNextInput(FRAME, 151)).toBe(false);
    t.settled(3);
    expect(t.wantsNextInput(FRAME, 152)).toBe(true);
  });
});
