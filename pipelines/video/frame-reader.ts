import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { distPath } from '../../core/dist-path.js';
import { makeFifo, markInheritedFdsCloseOnExec } from '../../core/libc.js';
import { describeError } from '../../core/errors.js';
import type { ReaderThreadData, ReaderThreadMessage, ReaderThreadRequest } from './frame-reader-worker.js';

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
}

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
  private child: ChildProcess | null = null;
  private dir: string | null = null;
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
  /** Resolves once ffmpeg is done: the input ended, failed, or (keepAll) was longer than allowed. */
  readonly done: Promise<ReaderEnd>;

  constructor(private readonly options: FrameReaderOptions) {
    this.frameBytes = options.width * options.height * 4;
    this.done = new Promise((resolve) => (this.finish = resolve));
  }

  get framesDecoded(): number {
    return this.decoded;
  }

  get dropped(): number {
    return this.droppedCount;
  }

  start(): void {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `vj-host-frames-${process.pid}-`));
    const fifo = path.join(this.dir, 'decoded.rgba');
    this.fifo = fifo;
    if (!makeFifo(fifo)) return this.end({ kind: 'failed', message: 'cannot make a named pipe for the decoder' });
    this.startThread(fifo);
    const ffmpeg = this.options.ffmpeg ?? process.env.VJ_HOST_FFMPEG ?? 'ffmpeg';
    markInheritedFdsCloseOnExec();
    const child = spawn(ffmpeg, ['-hide_banner', '-nostdin', '-loglevel', 'error', ...this.options.args(fifo)], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    child.stderr.on('data', (chunk: Buffer) => (this.stderrTail = (this.stderrTail + chunk.toString()).slice(-2000)));
    child.on('error', (error) => {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      const message = missing
        ? `ffmpeg not found: "${ffmpeg}" is not on PATH (install ffmpeg, e.g. apt-get install ffmpeg, or set VJ_HOST_FFMPEG)`
        : `cannot start ffmpeg: ${describeError(error)}`;
      this.end({ kind: 'failed', message, lasting: missing });
    });
    // 'close', not 'exit': by then all of ffmpeg's stderr is in, so its last line names the cause.
    child.on('close', (code, signal) => {
      if (code !== 0 && !this.closed) this.end({ kind: 'failed', message: this.lastLine() ?? `ffmpeg exited (${signal ?? `code ${code}`})` });
      // The reading thread may still wait for ffmpeg to open the pipe: let it go.
      this.releaseOpen();
    });
  }

  private startThread(fifo: string): void {
    const workerData: ReaderThreadData = { fifo, frameBytes: this.frameBytes };
    const thread = new Worker(distPath(import.meta.url, 'pipelines', 'video', 'frame-reader-worker.js'), { workerData });
    this.thread = thread;
    thread.on('message', (m: ReaderThreadMessage) => {
      if (m.type === 'frame') this.completed(m.data);
      else if (m.error) this.end({ kind: 'failed', message: `reading decoded frames: ${m.error}` });
      else this.end(this.child?.exitCode ? { kind: 'failed', message: this.lastLine() ?? 'ffmpeg stopped' } : { kind: 'ended', frames: this.decoded });
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

  stop(): void {
    this.end({ kind: 'ended', frames: this.decoded });
  }

  private completed(data: Uint8Array): void {
    if (this.closed) return;
    const index = this.decoded++;
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
    this.child?.kill('SIGKILL');
    this.releaseOpen();
    // The thread ends by itself once the pipe is closed (end of data); terminating it makes sure.
    const thread = this.thread;
    this.thread = null;
    setTimeout(() => void thread?.terminate(), 1000).unref();
    if (this.dir) fs.rm(this.dir, { recursive: true, force: true }, () => {});
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
