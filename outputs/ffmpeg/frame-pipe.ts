import fs from 'node:fs';
import type { Writable } from 'node:stream';
import { makeFifoFolder, type FifoFolder } from '../../core/fifo-folder.js';
import { growPipe } from '../../core/libc.js';

/**
 * How raw frames reach ffmpeg. Through a named pipe where the platform has them: each frame is one
 * blocking write on a libuv worker thread, so a busy frame loop never slows the transfer (through
 * stdin, Node moves a frame in 64 KB steps, each waiting for a turn of the event loop). Elsewhere
 * (Windows) through ffmpeg's stdin.
 */
export interface FramePipe {
  /** ffmpeg's input: "pipe:0" or the named pipe's path. */
  readonly input: string;
  readonly usesStdin: boolean;
  /** Called once ffmpeg runs (stdin: its stdin stream). */
  attach(stdin: Writable | null): void;
  /** Writes one frame; `done` runs when the bytes may be reused (error: ffmpeg is gone). */
  write(data: Uint8Array, done: (error: Error | null) => void): void;
  /** End of input: ffmpeg finishes the file or stream. */
  end(): void;
  /** Removes what the pipe left on disk (after ffmpeg exited). */
  dispose(): void;
}

const PIPE_BYTES = 1 << 20;

export function createFramePipe(): FramePipe {
  const folder = makeFifoFolder('frames.rgba');
  return folder ? new NamedPipe(folder) : new StdinPipe();
}

class NamedPipe implements FramePipe {
  readonly usesStdin = false;
  private fd: number | null = null;
  private opening = false;
  private writing = false;
  private ended = false;

  readonly input: string;

  constructor(private readonly folder: FifoFolder) {
    this.input = folder.fifo;
  }

  attach(): void {
    this.opening = true;
    // Completes once ffmpeg opens its end for reading.
    fs.open(this.input, fs.constants.O_WRONLY, (error, fd) => {
      this.opening = false;
      if (error) return;
      if (this.ended) {
        fs.close(fd, () => {});
        return;
      }
      this.fd = fd;
      growPipe(fd, PIPE_BYTES);
    });
  }

  write(data: Uint8Array, done: (error: Error | null) => void): void {
    const fd = this.fd;
    if (fd === null || this.ended) {
      done(null); // not connected yet (or ending): this frame is skipped
      return;
    }
    this.writing = true;
    const step = (offset: number): void => {
      fs.write(fd, data, offset, data.byteLength - offset, null, (error, written) => {
        if (!error && offset + written < data.byteLength && !this.ended) {
          step(offset + written);
          return;
        }
        this.writing = false;
        if (this.ended) this.closeFd();
        done(error);
      });
    };
    step(0);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.opening) this.releaseOpen();
    if (!this.writing) this.closeFd();
  }

  dispose(): void {
    this.end();
    this.folder.remove();
  }

  private closeFd(): void {
    const fd = this.fd;
    this.fd = null;
    if (fd !== null) fs.close(fd, () => {});
  }

  /** A writer's open waits for a reader: when ffmpeg never came, be that reader for a moment. */
  private releaseOpen(): void {
    try {
      fs.closeSync(fs.openSync(this.input, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK));
    } catch {
      // already gone
    }
  }
}

class StdinPipe implements FramePipe {
  readonly input = 'pipe:0';
  readonly usesStdin = true;
  private stdin: Writable | null = null;

  attach(stdin: Writable | null): void {
    this.stdin = stdin;
    // A broken pipe shows as a failed write and then as ffmpeg's exit; the stream error itself is expected.
    stdin?.on('error', () => {});
  }

  write(data: Uint8Array, done: (error: Error | null) => void): void {
    const stdin = this.stdin;
    if (!stdin?.writable) {
      done(null);
      return;
    }
    stdin.write(data, (error) => done(error ?? null));
  }

  end(): void {
    this.stdin?.end();
  }

  dispose(): void {
    this.stdin = null;
  }
}
