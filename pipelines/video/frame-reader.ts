import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { distPath } from '../../core/dist-path.js';
import { makeFifoFolder, type FifoFolder } from '../../core/fifo-folder.js';
import { spawner, type Spawned } from '../../core/spawner.js';
import { describeError } from '../../core/errors.js';
import type { ReaderThreadData, ReaderThreadMessage, ReaderThreadRequest } from './frame-reader-worker.js';
import { decodedFrameBytes } from './video-input.js';

/** A decoded RGBA frame from the reader, with its number in the decoder's output (0-based). */
export interface DecodedFrame {
  data: Uint8Array;
  index: number;
}

export interface FrameReaderOptions {
  /** ffmpeg's arguments, given the path its raw RGBA output goes to. */
  args: (output: string) => string[];
  width: number;
  height: number;
  ffmpeg?: string;
  /** Keep every frame (a clip decoded into memory) instead of only the newest. */
  keepAll?: boolean;
  /** Frames beyond this many are not kept (keepAll): the clip is too long for memory. */
  maxFrames?: number;
  /**
   * Every frame in order instead of only the newest, at most this many decoded ahead of the one the host
   * last released (next/release): ffmpeg waits for the host rather than dropping or racing ahead.
   */
  ahead?: number;
}

/** A clip kept whole is read in slabs of about this size: few buffers, each mostly whole 2 MB pages. */
const SLAB_BYTES = 64 * 1024 * 1024;

export type ReaderEnd =
  | { kind: 'ended'; frames: number }
  /** `lasting`: trying again will not help (no ffmpeg on this machine). */
  | { kind: 'failed'; message: string; lasting?: boolean }
  | { kind: 'too-long'; frames: number };

/**
 * One ffmpeg decoding to raw RGBA into a named pipe, read into frame buffers by a thread of its own
 * (frame-reader-worker.ts), which hands each whole frame over without a copy: no pixel is touched on
 * the frame loop. Latest wins: while the frame loop has not taken the newest
 * frame, a newer one replaces it (counted as dropped). With `keepAll`, every frame is kept instead.
 */
export class FrameReader {
  readonly frameBytes: number;
  private child: Spawned | null = null;
  private exitCode: number | null = null;
  private folder: FifoFolder | null = null;
  private fifo: string | null = null;
  private thread: Worker | null = null;
  /** The newest complete frame not yet taken, and the one the loop shows. */
  private ready: DecodedFrame | null = null;
  private shown: Uint8Array | null = null;
  private decoded = 0;
  private droppedCount = 0;
  private stderrTail = '';
  private closed = false;
  private finish: ((end: ReaderEnd) => void) | null = null;
  /** Every frame, in order (keepAll). */
  readonly all: Uint8Array[] = [];
  /** Frames decoded and not yet taken (ahead). */
  private readonly queue: DecodedFrame[] = [];
  private readonly credits: Int32Array | null;
  /** Resolves once ffmpeg is done: the input ended, failed, or (keepAll) was longer than allowed. */
  readonly done: Promise<ReaderEnd>;

  constructor(private readonly options: FrameReaderOptions) {
    this.frameBytes = decodedFrameBytes(options);
    this.credits = options.ahead ? new Int32Array(new SharedArrayBuffer(4)) : null;
    if (this.credits) this.credits[0] = options.ahead!;
    this.done = new Promise((resolve) => (this.finish = resolve));
  }

  get framesDecoded(): number {
    return this.decoded;
  }

  get dropped(): number {
    return this.droppedCount;
  }

  start(): void {
    this.folder = makeFifoFolder('decoded.rgba');
    if (!this.folder) return this.end({ kind: 'failed', message: 'cannot make a named pipe for the decoder' });
    const fifo = this.folder.fifo;
    this.fifo = fifo;
    this.startThread(fifo);
    const ffmpeg = this.options.ffmpeg ?? process.env.VJ_HOST_FFMPEG ?? 'ffmpeg';
    const child = spawner.spawn(ffmpeg, ['-hide_banner', '-nostdin', '-loglevel', 'error', ...this.options.args(fifo)]);
    this.child = child;
    child.onStderr((text) => (this.stderrTail = (this.stderrTail + text).slice(-2000)));
    child.onError((code, error) => {
      const missing = code === 'ENOENT';
      const message = missing
        ? `ffmpeg not found: "${ffmpeg}" is not on PATH (install ffmpeg, e.g. apt-get install ffmpeg, or set VJ_HOST_FFMPEG)`
        : `cannot start ffmpeg: ${error}`;
      this.end({ kind: 'failed', message, lasting: missing });
    });
    // Closed: all of ffmpeg's stderr is in, so its last line names the cause.
    child.onClose((code, signal) => {
      this.exitCode = code ?? -1;
      if (code !== 0 && !this.closed) this.end({ kind: 'failed', message: this.lastLine() ?? `ffmpeg exited (${signal ?? `code ${code}`})` });
      // The reading thread may still wait for ffmpeg to open the pipe: let it go.
      this.releaseOpen();
    });
  }

  private startThread(fifo: string): void {
    const { keepAll, maxFrames } = this.options;
    const slabFrames = keepAll ? Math.max(1, Math.min(maxFrames ?? Infinity, Math.floor(SLAB_BYTES / this.frameBytes))) : undefined;
    const workerData: ReaderThreadData = {
      fifo,
      frameBytes: this.frameBytes,
      ...(this.credits ? { credits: this.credits.buffer as SharedArrayBuffer } : {}),
      ...(slabFrames ? { slabFrames } : {}),
    };
    const thread = new Worker(distPath(import.meta.url, 'pipelines', 'video', 'frame-reader-worker.js'), { workerData });
    this.thread = thread;
    thread.on('message', (m: ReaderThreadMessage) => {
      if (m.type === 'frame') this.completed(m.data);
      else if (m.type === 'frames') for (let i = 0; i < m.count; i++) this.completed(m.data.subarray(i * this.frameBytes, (i + 1) * this.frameBytes));
      else if (m.error) this.end({ kind: 'failed', message: `reading decoded frames: ${m.error}` });
      else this.end(this.exitCode ? { kind: 'failed', message: this.lastLine() ?? 'ffmpeg stopped' } : { kind: 'ended', frames: this.decoded });
    });
    thread.on('error', (error) => this.end({ kind: 'failed', message: `the frame reading thread failed: ${describeError(error)}` }));
    thread.unref();
  }

  /** The newest frame not taken yet (its buffer stays the reader's and valid until the next take), or null. */
  take(): DecodedFrame | null {
    const next = this.ready;
    if (!next) return null;
    if (this.shown) this.recycle(this.shown);
    this.shown = next.data;
    this.ready = null;
    return next;
  }

  /** The oldest frame not taken yet (ahead), or null; the host gives its buffer back with `release`. */
  next(): DecodedFrame | null {
    return this.queue.shift() ?? null;
  }

  /** Frames decoded and waiting (ahead). */
  get waiting(): number {
    return this.queue.length;
  }

  /**
   * Gives a frame's buffer back (ahead): the thread fills it again and may read one more. Waking the
   * thread costs the frame loop a third of a millisecond here (the thread is switched in), so it is woken
   * once half of its frames ahead are free again, or at once when the frames decoded ahead have run out.
   */
  release(data: Uint8Array): void {
    this.recycle(data);
    if (!this.credits) return;
    const free = Atomics.add(this.credits, 0, 1) + 1;
    if (free >= Math.max(1, this.options.ahead! >> 1) || this.queue.length === 0) Atomics.notify(this.credits, 0);
  }

  stop(): void {
    this.end({ kind: 'ended', frames: this.decoded });
  }

  private completed(data: Uint8Array): void {
    if (this.closed) return;
    const index = this.decoded++;
    if (this.credits) {
      this.queue.push({ data, index });
      return;
    }
    if (this.options.keepAll) {
      if (this.all.length >= (this.options.maxFrames ?? Infinity)) return this.end({ kind: 'too-long', frames: this.all.length });
      this.all.push(data);
      return;
    }
    if (this.ready) {
      this.droppedCount++;
      this.recycle(this.ready.data);
    }
    this.ready = { data, index };
  }

  /** A buffer the host is done with goes back to the reading thread to be filled again. */
  private recycle(data: Uint8Array): void {
    if (this.closed || !this.thread) return;
    this.thread.postMessage({ type: 'recycle', data } satisfies ReaderThreadRequest, [data.buffer as ArrayBuffer]);
  }

  private end(end: ReaderEnd): void {
    if (this.closed) return;
    this.closed = true;
    // A thread waiting for credit reads on to the end of the pipe and goes.
    if (this.credits) {
      Atomics.store(this.credits, 0, 1 << 30);
      Atomics.notify(this.credits, 0);
    }
    this.child?.kill('SIGKILL');
    this.releaseOpen();
    // The thread ends by itself once the pipe is closed (end of data); terminating it makes sure.
    const thread = this.thread;
    this.thread = null;
    setTimeout(() => void thread?.terminate(), 1000).unref();
    this.folder?.remove();
    this.finish?.(end);
  }

  /** The reading thread's open waits for a writer: when ffmpeg never came (or is gone), be that writer for a moment. */
  private releaseOpen(): void {
    if (!this.fifo) return;
    try {
      fs.closeSync(fs.openSync(this.fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
    } catch {
      // no reader waiting, or already gone
    }
  }

  private lastLine(): string | null {
    return this.stderrTail.split('\n').map((l) => l.trim()).filter(Boolean).at(-1) ?? null;
  }
}
