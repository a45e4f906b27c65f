import { describe, expect, it } from 'vitest';
import { createFrame, type Frame } from '../../core/frame.js';
import { drawFrameCode } from '../../core/frame-code.js';
import type { Output } from '../../outputs/contract.js';
import { until } from './until.js';

export interface ContractSubject {
  name: string;
  /** A new, unstarted output for 160x96 frames at 30 fps. */
  create(): Output | Promise<Output>;
  /** Strings that must never appear in stats (stream keys). */
  secrets?: string[];
  /** How long it may take to connect and run. */
  ms?: number;
  /** Writes each frame during submit (shm: a memcpy into shared pages) instead of sending beside the loop. */
  synchronous?: boolean;
}

export const CONTRACT_SIZE = { width: 160, height: 96 };

function codedFrame(index: number): Frame {
  const frame = createFrame(CONTRACT_SIZE.width, CONTRACT_SIZE.height);
  frame.data.fill(90);
  drawFrameCode(frame.data, frame.width, frame.height, index);
  frame.index = index;
  frame.time = index / 30;
  return frame;
}

/** Feeds frames at 30 fps, as the frame loop would, until stopped. */
function feed(output: Output): { stop(): number } {
  let index = 0;
  const frames = [codedFrame(0), codedFrame(1)];
  const timer = setInterval(() => {
    const frame = frames[index % 2]!;
    drawFrameCode(frame.data, frame.width, frame.height, index);
    frame.index = index++;
    output.submit(frame);
  }, 33);
  return {
    stop() {
      clearInterval(timer);
      return index;
    },
  };
}

/**
 * The contract every output keeps (outputs/contract.ts): submit never blocks or throws, whatever it is
 * given and whatever state the output is in; at most one frame waits (a burst is sent or dropped, every
 * frame accounted for); stats tell state, sent, dropped and never a secret; stop ends it for good and a
 * new start works again.
 */
export function outputContract(subject: ContractSubject): void {
  const ms = subject.ms ?? 10_000;
  describe(`${subject.name} keeps the output contract`, () => {
    it('reports its id and type, and is stopped before start', async () => {
      const output = await subject.create();
      const stats = output.stats();
      expect(stats.id).toBe(output.id);
      expect(stats.type).toBe(output.type);
      expect(stats.state).toBe('stopped');
      expect(() => output.submit(codedFrame(0))).not.toThrow();
      await output.stop();
    });

    it('runs after start, sends frames, accounts for every frame of a burst, and stops', async () => {
      const output = await subject.create();
      await output.start();
      const feeder = feed(output);
      try {
        await until(() => output.stats().state === 'running' && output.stats().sent > 5, ms, `${subject.name} running and sending`);
      } finally {
        feeder.stop();
      }
      // A burst far faster than any target: nothing blocks, nothing queues beyond one frame.
      const before = output.stats();
      const started = performance.now();
      for (let i = 0; i < 200; i++) output.submit(codedFrame(10_000 + i));
      const burstMs = performance.now() - started;
      const after = output.stats();
      expect(after.sent + after.dropped - before.sent - before.dropped).toBeGreaterThanOrEqual(199);
      // An asynchronous sender cannot have sent 200 frames in a few milliseconds: the rest were dropped.
      if (!subject.synchronous) expect(after.dropped - before.dropped).toBeGreaterThan(150);
      expect(burstMs / 200).toBeLessThan(50); // a blocking submit would take a frame's encode or send time each
      const json = JSON.stringify(after);
      for (const secret of subject.secrets ?? []) expect(json).not.toContain(secret);
      await output.stop();
      expect(output.stats().state).toBe('stopped');
      await output.stop(); // twice is fine
    });

    it('takes frames of the wrong size and frames after stop without throwing', async () => {
      const output = await subject.create();
      await output.start();
      const odd = createFrame(64, 32);
      expect(() => output.submit(odd)).not.toThrow();
      await output.stop();
      const sent = output.stats().sent;
      expect(() => output.submit(codedFrame(1))).not.toThrow();
      expect(output.stats().state).toBe('stopped');
      expect(output.stats().sent).toBe(sent); // a frame after stop goes nowhere
    });

    it('starts again after a stop', async () => {
      const output = await subject.create();
      await output.start();
      await output.stop();
      await output.start();
      const feeder = feed(output);
      try {
        await until(() => output.stats().state === 'running' && output.stats().sent > 3, ms, `${subject.name} running again`);
      } finally {
        feeder.stop();
        await output.stop();
      }
    });
  });
}
