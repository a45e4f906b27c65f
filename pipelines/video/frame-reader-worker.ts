import fs from 'node:fs';
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { growPipe } from '../../core/libc.js';
import { pixelBuffer } from '../../core/pixel-buffer.js';

/**
 * Reads decoded frames from ffmpeg's named pipe on a thread of its own, in a blocking loop: ffmpeg never
 * waits on the host's event loop, and each whole frame goes to the host as a transferred buffer (no copy).
 * Buffers the host is done with come back the same way and are filled again.
 */
export interface ReaderThreadData {
  fifo: string;
  frameBytes: number;
  /**
   * Back-pressure (a clip played from disk): one Int32, the frames this thread may still hand over before
   * the host releases one. At 0 it stops reading, so ffmpeg waits on the full pipe instead of racing ahead.
   */
  credits?: SharedArrayBuffer;
  /**
   * Every frame is kept (a clip decoded into memory): frames are read into slabs of up to this many, one
   * buffer each, handed over whole once full (or at the end). Nothing comes back to be filled again.
   */
  slabFrames?: number;
}

export type ReaderThreadMessage =
  | { type: 'frame'; index: number; data: Uint8Array }
  /** `count` frames, one after another in `data` (slabFrames). */
  | { type: 'frames'; count: number; data: Uint8Array }
  | { type: 'end'; error: string | null };

export type ReaderThreadRequest = { type: 'recycle'; data: Uint8Array };

const { fifo, frameBytes, credits: creditBuffer, slabFrames } = workerData as ReaderThreadData;
const credits = creditBuffer ? new Int32Array(creditBuffer) : null;

/** Waits until the host lets another frame through (released one, or is ending). */
function waitForCredit(): void {
  if (!credits) return;
  for (let c = Atomics.load(credits, 0); c <= 0; c = Atomics.load(credits, 0)) Atomics.wait(credits, 0, c, 1000);
  Atomics.sub(credits, 0, 1);
}
const port = parentPort!;
const spare: Uint8Array[] = [];

function takeReturned(): void {
  for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
    const request = m.message as ReaderThreadRequest;
    if (request.type === 'recycle' && request.data.byteLength === frameBytes) spare.push(request.data);
  }
}

/** Fills `data` from the pipe; false at the end of the data (a partly filled frame is let go). */
function readFrame(fd: number, data: Uint8Array): boolean {
  for (let filled = 0; filled < frameBytes; ) {
    const n = fs.readSync(fd, data, filled, frameBytes - filled, null);
    if (n === 0) return false;
    filled += n;
  }
  return true;
}

function readEach(fd: number): void {
  for (let index = 0; ; index++) {
    waitForCredit();
    takeReturned();
    const data = spare.pop() ?? pixelBuffer(frameBytes);
    if (!readFrame(fd, data)) return;
    port.postMessage({ type: 'frame', index, data } satisfies ReaderThreadMessage, [data.buffer as ArrayBuffer]);
  }
}

/** Slabs of 1, 2, 4… frames up to `most`: the first frames are there at once (a clip can start playing), the rest in few buffers. */
function readSlabs(fd: number, most: number): void {
  for (let perSlab = 1; ; perSlab = Math.min(most, perSlab * 2)) {
    const slab = pixelBuffer(perSlab * frameBytes);
    let count = 0;
    while (count < perSlab && readFrame(fd, slab.subarray(count * frameBytes, (count + 1) * frameBytes))) count++;
    if (count > 0) port.postMessage({ type: 'frames', count, data: slab } satisfies ReaderThreadMessage, [slab.buffer as ArrayBuffer]);
    if (count < perSlab) return;
  }
}

function run(): void {
  // Blocks until ffmpeg opens its end (or the host opens it to let this go).
  const fd = fs.openSync(fifo, fs.constants.O_RDONLY);
  // A frame in a few reads instead of one per 64 KB.
  growPipe(fd, 1 << 20);
  try {
    if (slabFrames) readSlabs(fd, slabFrames);
    else readEach(fd);
  } finally {
    fs.closeSync(fd);
  }
}

let error: string | null = null;
try {
  run();
} catch (e) {
  error = e instanceof Error ? e.message : String(e);
}
port.postMessage({ type: 'end', error } satisfies ReaderThreadMessage);
