import { processAlive } from '../../core/atomic-file.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Frame } from '../../core/frame.js';
import { describeError } from '../../core/errors.js';
import { writeU64 } from '../../core/u64.js';
import { OutputLifecycle } from '../lifecycle.js';
import type { Output, OutputStats } from '../contract.js';
import type { Log } from '../../core/log.js';
import {
  Field, FOURCC_RGBA, SHM_HEADER_BYTES, SHM_MAGIC, SHM_VERSION, ShmState, SlotField,
  slotBytesFor, slotDataOffset, slotRecordOffset,
} from './format.js';

export interface ShmOutputOptions {
  id: string;
  /** File name in the shared-memory folder: letters, digits, '.', '_', '-'. */
  name: string;
  slots: number;
  fps: number;
  /** The show's frame size, laid out at start so readers see a valid header before the first frame. */
  width?: number;
  height?: number;
  /** Folder for the file; defaults to /dev/shm (or the temp folder where there is none). */
  dir?: string;
  log?: Log;
}

export function defaultShmDir(): string {
  const fromEnv = process.env.VJ_HOST_SHM_DIR;
  if (fromEnv) return fromEnv;
  return fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
}

export function shmPath(name: string, dir = defaultShmDir()): string {
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(name) || name.startsWith('.')) {
    throw new Error(`shm name "${name}" must be 1-100 letters, digits, '.', '_' or '-' and not start with '.'`);
  }
  return path.join(dir, name);
}

const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 10_000;

/**
 * Publishes frames into a ring of slots in a shared-memory file that any process can map
 * (a Linux counterpart of Spout/Syphon). Writes are plain pwrites into tmpfs pages: a memcpy
 * on the frame loop, no waiting on a reader. Per-slot sequence numbers (a seqlock) let readers
 * detect and skip a slot that was being rewritten while they copied it.
 */
export class ShmOutput implements Output {
  readonly id: string;
  readonly type = 'shm';
  readonly path: string;
  private readonly slots: number;
  private readonly fps: number;
  private readonly initialSize: { width: number; height: number } | null;
  private fd: number | null = null;
  private readonly life: OutputLifecycle;
  private sent = 0;
  /** Frames a failed write lost (frames offered while down are the lifecycle's count). */
  private failedWrites = 0;
  private width = 0;
  private height = 0;
  private slotBytes = 0;
  private sequences: number[] = [];
  private framesWritten = 0;
  // Small reused buffers for header fields (no allocation per frame).
  private readonly record = Buffer.alloc(24);
  private readonly seqBuf = Buffer.alloc(8);
  private readonly counterBuf = Buffer.alloc(16);

  constructor(options: ShmOutputOptions) {
    this.id = options.id;
    this.slots = Math.max(1, Math.min(options.slots, 64));
    this.fps = options.fps;
    this.initialSize = options.width && options.height ? { width: options.width, height: options.height } : null;
    this.path = shmPath(options.name, options.dir);
    this.life = new OutputLifecycle({ id: options.id, log: options.log, retryMinMs: RETRY_MIN_MS, retryMaxMs: RETRY_MAX_MS, fields: () => ({ path: this.path }) });
  }

  start(): Promise<void> {
    this.life.starting();
    try {
      this.open();
      if (this.initialSize) this.layout(this.initialSize.width, this.initialSize.height);
      this.life.up();
    } catch (error) {
      this.fail(error);
    }
    return Promise.resolve();
  }

  submit(frame: Frame): void {
    if (!this.life.running) {
      this.life.dropWhileDown();
      if (this.life.retryDue()) this.retry();
      return;
    }
    try {
      if (frame.width !== this.width || frame.height !== this.height) this.layout(frame.width, frame.height);
      this.publish(frame);
      this.sent++;
    } catch (error) {
      this.failedWrites++;
      this.fail(error);
    }
  }

  stats(): OutputStats {
    return this.life.stats(this.type, this.sent, this.failedWrites, { path: this.path, slots: this.slots, width: this.width, height: this.height });
  }

  stop(): Promise<void> {
    if (this.fd !== null) {
      try {
        this.writeState(ShmState.Closed);
        fs.closeSync(this.fd);
      } catch {
        // Closing is best effort: the file may already be gone.
      }
      this.fd = null;
    }
    this.life.stopped();
    return Promise.resolve();
  }

  private open(): void {
    this.refuseIfAnotherWriterIsLive();
    this.fd = fs.openSync(this.path, 'w+', 0o644);
    this.width = 0;
    this.height = 0;
  }

  private refuseIfAnotherWriterIsLive(): void {
    let existing: Buffer;
    try {
      existing = fs.readFileSync(this.path).subarray(0, 64);
    } catch {
      return;
    }
    if (existing.length < 64 || existing.toString('latin1', 0, 8) !== SHM_MAGIC) return;
    const state = existing.readUInt32LE(Field.state);
    const pid = existing.readUInt32LE(Field.writerPid);
    if (state === ShmState.Live && pid !== process.pid && processAlive(pid)) {
      throw new Error(`${this.path} is in use by another live writer (pid ${pid}); choose another shm name`);
    }
  }

  /** (Re)writes the header for a frame size; readers see state Initialising until it is done. */
  private layout(width: number, height: number): void {
    const fd = this.requireFd();
    const stride = width * 4;
    this.slotBytes = slotBytesFor(stride, height);
    fs.ftruncateSync(fd, SHM_HEADER_BYTES + this.slots * this.slotBytes);
    const header = Buffer.alloc(SHM_HEADER_BYTES);
    header.write(SHM_MAGIC, Field.magic, 'latin1');
    header.writeUInt32LE(SHM_VERSION, Field.version);
    header.writeUInt32LE(SHM_HEADER_BYTES, Field.headerBytes);
    header.writeUInt32LE(width, Field.width);
    header.writeUInt32LE(height, Field.height);
    header.writeUInt32LE(stride, Field.stride);
    header.writeUInt32LE(FOURCC_RGBA, Field.pixelFormat);
    header.writeUInt32LE(this.slots, Field.slotCount);
    header.writeUInt32LE(this.slotBytes, Field.slotBytes);
    header.writeUInt32LE(ShmState.Initialising, Field.state);
    header.writeUInt32LE(Math.round(this.fps * 1000), Field.fpsNum);
    header.writeUInt32LE(1000, Field.fpsDen);
    header.writeUInt32LE(process.pid, Field.writerPid);
    writeU64(header, Field.framesWritten, 0);
    fs.writeSync(fd, header, 0, header.length, 0);
    this.sequences = new Array<number>(this.slots).fill(0);
    this.width = width;
    this.height = height;
    this.framesWritten = 0;
    this.writeState(ShmState.Live);
  }

  private publish(frame: Frame): void {
    const fd = this.requireFd();
    const slot = this.framesWritten % this.slots;
    const recordOffset = slotRecordOffset(slot);
    const sequence = (this.sequences[slot] ?? 0) + 1; // odd: being written
    writeU64(this.record, SlotField.sequence, sequence);
    writeU64(this.record, SlotField.frameIndex, frame.index);
    writeU64(this.record, SlotField.timeUs, Math.max(0, Math.round(frame.time * 1e6)));
    fs.writeSync(fd, this.record, 0, 24, recordOffset);
    fs.writeSync(fd, frame.data, 0, frame.data.byteLength, slotDataOffset(slot, this.slotBytes));
    writeU64(this.seqBuf, 0, sequence + 1); // even: complete
    fs.writeSync(fd, this.seqBuf, 0, 8, recordOffset + SlotField.sequence);
    this.sequences[slot] = sequence + 1;
    this.framesWritten++;
    writeU64(this.counterBuf, 0, this.framesWritten);
    writeU64(this.counterBuf, 8, Date.now() * 1000);
    fs.writeSync(fd, this.counterBuf, 0, 16, Field.framesWritten);
  }

  private writeState(state: number): void {
    const buf = Buffer.alloc(4);
    buf.writeUInt32LE(state, 0);
    fs.writeSync(this.requireFd(), buf, 0, 4, Field.state);
  }

  private requireFd(): number {
    if (this.fd === null) throw new Error('shm output is not open');
    return this.fd;
  }

  private fail(error: unknown): void {
    this.life.failedRetrying(describeError(error));
    if (this.fd !== null) {
      try {
        fs.closeSync(this.fd);
      } catch {
        // already unusable
      }
      this.fd = null;
    }
  }

  private retry(): void {
    try {
      this.open();
      this.life.up();
    } catch (error) {
      this.fail(error);
    }
  }
}
