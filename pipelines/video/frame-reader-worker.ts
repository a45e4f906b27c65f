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
}

export type ReaderThreadMessage =
  | { type: 'frame'; index: number; data: Uint8Array }
  | { type: 'end'; error: string | null };

export type ReaderThreadRequest = { type: 'recycle'; data: Uint8Array };

const { fifo, frameBytes } = workerData as ReaderThreadData;
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
