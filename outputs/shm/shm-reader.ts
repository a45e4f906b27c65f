import fs from 'node:fs';
import { readU64 } from '../../core/u64.js';
import {
  Field, SHM_HEADER_BYTES, SHM_MAGIC, ShmState, SlotField, slotDataOffset, slotRecordOffset,
} from './format.js';

export interface ShmHeader {
  version: number;
  width: number;
  height: number;
  stride: number;
  pixelFormat: number;
  slotCount: number;
  slotBytes: number;
  state: number;
  fps: number;
  writerPid: number;
  framesWritten: number;
}

export interface ShmFrame {
  frameIndex: number;
  timeUs: number;
  width: number;
  height: number;
  stride: number;
  /** Pixels (RGBA), a view into the reader's own buffer: valid until the next read. */
  data: Uint8Array;
}

/**
 * Reads frames from a vj-host shared-memory file (pread on the shared pages; a C or Python reader
 * would mmap instead). Never returns a torn frame: a slot whose sequence changed during the copy is retried.
 */
export class ShmReader {
  private readonly fd: number;
  private readonly headerBuf = Buffer.alloc(SHM_HEADER_BYTES);
  private pixels = Buffer.alloc(0);

  constructor(readonly path: string) {
    this.fd = fs.openSync(path, 'r');
  }

  header(): ShmHeader | null {
    const n = fs.readSync(this.fd, this.headerBuf, 0, SHM_HEADER_BYTES, 0);
    if (n < 128 || this.headerBuf.toString('latin1', 0, 8) !== SHM_MAGIC) return null;
    const h = this.headerBuf;
    return {
      version: h.readUInt32LE(Field.version),
      width: h.readUInt32LE(Field.width),
      height: h.readUInt32LE(Field.height),
      stride: h.readUInt32LE(Field.stride),
      pixelFormat: h.readUInt32LE(Field.pixelFormat),
      slotCount: h.readUInt32LE(Field.slotCount),
      slotBytes: h.readUInt32LE(Field.slotBytes),
      state: h.readUInt32LE(Field.state),
      fps: h.readUInt32LE(Field.fpsNum) / Math.max(1, h.readUInt32LE(Field.fpsDen)),
      writerPid: h.readUInt32LE(Field.writerPid),
      framesWritten: readU64(h, Field.framesWritten),
    };
  }

  /** The newest complete frame, or null when none is published (or the writer keeps overtaking us). */
  readLatest(maxAttempts = 8): ShmFrame | null {
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const h = this.header();
      if (!h || h.state !== ShmState.Live || h.framesWritten === 0) return null;
      const slot = (h.framesWritten - 1) % h.slotCount;
      const record = Buffer.alloc(24);
      fs.readSync(this.fd, record, 0, 24, slotRecordOffset(slot));
      const before = readU64(record, SlotField.sequence);
      if (before % 2 === 1) continue;
      const size = h.stride * h.height;
      if (this.pixels.length !== size) this.pixels = Buffer.alloc(size);
      fs.readSync(this.fd, this.pixels, 0, size, slotDataOffset(slot, h.slotBytes));
      const check = Buffer.alloc(8);
      fs.readSync(this.fd, check, 0, 8, slotRecordOffset(slot) + SlotField.sequence);
      if (readU64(check, 0) !== before) continue;
      return {
        frameIndex: readU64(record, SlotField.frameIndex),
        timeUs: readU64(record, SlotField.timeUs),
        width: h.width,
        height: h.height,
        stride: h.stride,
        data: new Uint8Array(this.pixels.buffer, this.pixels.byteOffset, size),
      };
    }
    return null;
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}
