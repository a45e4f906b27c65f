import type { FeedbackTransform } from './feedback-kernel.js';

/**
 * The job block the frame-loop thread and the feedback helper thread share (a SharedArrayBuffer):
 * the frame's constants, a generation counter to wake the helper, a chunk counter both threads take
 * row bands from, and a done flag per band.
 */
export const Slot = {
  generation: 0,
  nextChunk: 1,
  stop: 2,
  chunks: 3,
  chunkRows: 4,
  src: 5,
  inp: 6,
  dst: 7,
  width: 8,
  height: 9,
  stepX: 10,
  stepY: 11,
  useHue: 12,
  keep: 13,
  mix: 14,
  key: 15,
  hue: 16, // 9 ints
  /** Where in the kernel's memory this frame's origin, cos and sin are (four f64). */
  transform: 25,
  doneFlags: 32, // one int per chunk from here
} as const;

export const MAX_CHUNKS = 1024;

export interface JobViews {
  ints: Int32Array;
}

export function createJobBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer((Slot.doneFlags + MAX_CHUNKS) * 4);
}

export function jobViews(buffer: SharedArrayBuffer): JobViews {
  return { ints: new Int32Array(buffer, 0, Slot.doneFlags + MAX_CHUNKS) };
}

/** The frame's buffers and where its transform's floats are, all addresses in the kernel's memory. */
export interface FrameArgs {
  src: number;
  inp: number;
  dst: number;
  width: number;
  height: number;
  chunkRows: number;
  transform: number;
}

export interface KernelRender {
  setHue(h0: number, h1: number, h2: number, h3: number, h4: number, h5: number, h6: number, h7: number, h8: number): void;
  render(
    src: number, inp: number, dst: number, width: number, height: number,
    transform: number, stepX: number, stepY: number,
    useHue: number, keep: number, mix: number, key: number, rowStart: number, rowEnd: number,
  ): void;
}

/** Writes the frame's integers into the job (its floats are already in the kernel's memory, at `frame.transform`). */
export function writeJob(v: JobViews, t: FeedbackTransform, frame: FrameArgs): number {
  const i = v.ints;
  const chunks = Math.ceil(frame.height / frame.chunkRows);
  // No band may be taken while the job is half written: close the counter first, reopen it last.
  Atomics.store(i, Slot.nextChunk, MAX_CHUNKS);
  Atomics.store(i, Slot.chunks, chunks);
  i[Slot.chunkRows] = frame.chunkRows;
  i[Slot.src] = frame.src;
  i[Slot.inp] = frame.inp;
  i[Slot.dst] = frame.dst;
  i[Slot.width] = frame.width;
  i[Slot.height] = frame.height;
  i[Slot.stepX] = t.stepX;
  i[Slot.stepY] = t.stepY;
  i[Slot.useHue] = t.useHue ? 1 : 0;
  i[Slot.keep] = t.keep;
  i[Slot.mix] = t.mix;
  i[Slot.key] = t.key;
  i.set(t.hue, Slot.hue);
  i.fill(0, Slot.doneFlags, Slot.doneFlags + chunks);
  i[Slot.transform] = frame.transform;
  Atomics.store(i, Slot.nextChunk, 0);
  return chunks;
}

/**
 * Takes row bands until none are left; returns how many this thread rendered.
 * A band is taken before the job is read: the frame loop resets the band counter only after writing
 * the whole job, so any band taken belongs to a fully written job.
 */
export function renderChunks(v: JobViews, kernel: KernelRender): number {
  const i = v.ints;
  let done = 0;
  for (;;) {
    const chunk = Atomics.add(i, Slot.nextChunk, 1);
    if (chunk >= Atomics.load(i, Slot.chunks)) return done;
    const rows = i[Slot.chunkRows]!;
    const height = i[Slot.height]!;
    if (i[Slot.useHue]) {
      const h = Slot.hue;
      kernel.setHue(i[h]!, i[h + 1]!, i[h + 2]!, i[h + 3]!, i[h + 4]!, i[h + 5]!, i[h + 6]!, i[h + 7]!, i[h + 8]!);
    }
    kernel.render(
      i[Slot.src]!, i[Slot.inp]!, i[Slot.dst]!, i[Slot.width]!, height,
      i[Slot.transform]!, i[Slot.stepX]!, i[Slot.stepY]!,
      i[Slot.useHue]!, i[Slot.keep]!, i[Slot.mix]!, i[Slot.key]!,
      chunk * rows, Math.min(height, (chunk + 1) * rows),
    );
    Atomics.store(i, Slot.doneFlags + chunk, 1);
    Atomics.notify(i, Slot.doneFlags + chunk);
    done++;
  }
}
