import fs from 'node:fs';
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { growPipe } from '../../core/libc.js';

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
}

export type ReaderThreadMessage =
  | { type: 'frame'; index: number; data: Uint8Array }
  | { type: 'end'; error: string | null };

export type ReaderThreadRequest = { type: 'recycle'; data: Uint8Array };

const { fifo, frameBytes, credits: creditBuffer } = workerData as ReaderThreadData;
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

function run(): void {
  // Blocks until ffmpeg opens its end (or the host opens it to let this go).
  const fd = fs.openSync(fifo, fs.constants.O_RDONLY);
  // A frame in a few reads instead of one per 64 KB.
  growPipe(fd, 1 << 20);
  for (let index = 0; ; index++) {
    waitForCredit();
    takeReturned();
    const data = spare.pop() ?? new Uint8Array(frameBytes);
    let filled = 0;
    while (filled < frameBytes) {
      const n = fs.readSync(fd, data, filled, frameBytes - filled, null);
      if (n === 0) {
        fs.closeSync(fd);
        return;
      }
      filled += n;
    }
    port.postMessage({ type: 'frame', index, data } satisfies ReaderThreadMessage, [data.buffer as ArrayBuffer]);
  }
}

let error: string | null = null;
try {
  run();
} catch (e) {
  error = e instanceof Error ? e.message : String(e);
}
port.postMessage({ type: 'end', error } satisfies ReaderThreadMessage);
