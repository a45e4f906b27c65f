import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { makeFifo, markInheritedFdsCloseOnExec } from '../../core/libc.js';
import { describeError } from '../../core/errors.js';

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

export type ReaderEnd = { kind: 'ended'; frames: number } | { kind: 'failed'; message: string } | { kind: 'too-long'; frames: number };

/**
 * One ffmpeg decoding to raw RGBA into a named pipe, read straight into frame buffers by libuv's threads,
 * so no pixel is copied on the frame loop. Latest wins: while the frame loop has not taken the newest
 * frame, a newer one replaces it (counted as dropped). With `keepAll`, every frame is kept instead.
 */
export class FrameReader {
  readonly frameBytes: number;
  private child: ChildProcess | null = null;
  private dir: string | null = null;
  private fd: number | null = null;
  /** The buffer being filled, the newest complete one not yet taken, and the one the loop shows. */
  private filling: Uint8Array;
  private ready: DecodedFrame | null = null;
  private shown: Uint8Array | null = null;
  private spare: Uint8Array[] = [];
  private filled = 0;
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
    this.filling = new Uint8Array(this.frameBytes);
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
    if (!makeFifo(fifo)) return this.end({ kind: 'failed', message: 'cannot make a named pipe for the decoder' });
    const ffmpeg = this.options.ffmpeg ?? process.env.VJ_HOST_FFMPEG ?? 'ffmpeg';
    markInheritedFdsCloseOnExec();
    const child = spawn(ffmpeg, ['-hide_banner', '-nostdin', '-loglevel', 'error', ...this.options.args(fifo)], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    child.stderr.on('data', (chunk: Buffer) => (this.stderrTail = (this.stderrTail + chunk.toString()).slice(-2000)));
    child.on('error', (error) => {
      this.releaseOpen(fifo);
      const message = (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? `ffmpeg not found: "${ffmpeg}" is not on PATH (install ffmpeg, e.g. apt-get install ffmpeg, or set VJ_HOST_FFMPEG)`
        : `cannot start ffmpeg: ${describeError(error)}`;
      this.end({ kind: 'failed', message });
    });
    // 'close', not 'exit': by then all of ffmpeg's stderr is in, so its last line names the cause.
    child.on('close', (code, signal) => {
      // ffmpeg may exit before it ever opened the pipe: release the open waiting for it.
      if (this.fd === null) this.releaseOpen(fifo);
      if (code !== 0 && !this.closed) this.end({ kind: 'failed', message: this.lastLine() ?? `ffmpeg exited (${signal ?? `code ${code}`})` });
    });
    fs.open(fifo, fs.constants.O_RDONLY, (error, fd) => {
      if (error || this.closed) {
        if (!error) fs.close(fd, () => {});
        return;
      }
      this.fd = fd;
      this.readMore();
    });
  }

  /** The newest frame not taken yet (its buffer stays the reader's and valid until the next take), or null. */
  take(): DecodedFrame | null {
    const next = this.ready;
    if (!next) return null;
    if (this.shown) this.spare.push(this.shown);
    this.shown = next.data;
    this.ready = null;
    return next;
  }

  stop(): void {
    if (this.closed) return;
    this.closed = true;
    this.child?.kill('SIGKILL');
    this.closeFd();
    if (this.dir) fs.rm(this.dir, { recursive: true, force: true }, () => {});
    this.finish?.({ kind: 'ended', frames: this.decoded });
  }

  private readMore(): void {
    const fd = this.fd;
    if (fd === null || this.closed) return;
    fs.read(fd, this.filling, this.filled, this.frameBytes - this.filled, null, (error, bytes) => {
      if (this.closed) return;
      if (error) return this.end({ kind: 'failed', message: `reading decoded frames: ${describeError(error)}` });
      if (bytes === 0) return this.end(this.child?.exitCode ? { kind: 'failed', message: this.lastLine() ?? 'ffmpeg stopped' } : { kind: 'ended', frames: this.decoded });
      this.filled += bytes;
      if (this.filled === this.frameBytes) this.completed();
      this.readMore();
    });
  }

  private completed(): void {
    const data = this.filling;
    this.filled = 0;
    const index = this.decoded++;
    if (this.options.keepAll) {
      if (this.all.length >= (this.options.maxFrames ?? Infinity)) return this.end({ kind: 'too-long', frames: this.all.length });
      this.all.push(data);
      this.filling = new Uint8Array(this.frameBytes);
      return;
    }
    if (this.ready) {
      this.droppedCount++;
      this.spare.push(this.ready.data);
    }
    this.ready = { data, index };
    this.filling = this.spare.pop() ?? new Uint8Array(this.frameBytes);
  }

  private end(end: ReaderEnd): void {
    if (this.closed) return;
    this.closed = true;
    this.child?.kill('SIGKILL');
    this.closeFd();
    if (this.dir) fs.rm(this.dir, { recursive: true, force: true }, () => {});
    this.finish?.(end);
  }

  private closeFd(): void {
    const fd = this.fd;
    this.fd = null;
    if (fd !== null) fs.close(fd, () => {});
  }

  /** A reader's open waits for a writer: when ffmpeg never came, be that writer for a moment. */
  private releaseOpen(fifo: string): void {
    try {
      fs.closeSync(fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
    } catch {
      // no reader waiting, or already gone
    }
  }

  private lastLine(): string | null {
    return this.stderrTail.split('\n').map((l) => l.trim()).filter(Boolean).at(-1) ?? null;
  }
}
