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
    // The first run: how long runs take is not known yet.
    expect(t.wantsNextInput(FRAME, 20)).toBe(false);
    t.ran(1, 100);
    t.settled(1);
    expect(t.wantsNextInput(FRAME, 120)).toBe(true);
    t.sent(2);
    t.started(2, 200, 2);
    // Runs take 100 ms: it ends at 300. A tick at 230 is too early (the next tick, at 263, still reaches it in time)...
    expect(t.wantsNextInput(FRAME, 230)).toBe(false);
    // ...a tick at 265 is the last that does.
    expect(t.wantsNextInput(FRAME, 265)).toBe(true);
    t.sent(3);
    expect(t.wantsNextInput(FRAME, 266)).toBe(false);
  });

  it('a failed frame frees the session', () => {
    const t = new RunTiming();
    t.sent(1);
    t.started(1, 0, 1);
    t.ran(1, 50);
    t.sent(2);
    t.started(2, 60, 1);
    expect(t.wantsNextInput(FRAME, 61)).toBe(false);
    t.settled(2);
    expect(t.wantsNextInput(FRAME, 62)).toBe(true);
  });
});
