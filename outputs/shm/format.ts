/**
 * The shared-memory frame format (version 1). All integers little-endian.
 * See docs/shm-format.md for the reader's side; keep the two in step.
 */
export const SHM_MAGIC = 'VJSHMv1\0';
export const SHM_VERSION = 1;
export const SHM_HEADER_BYTES = 4096;
export const SHM_SLOT_TABLE_OFFSET = 128;
export const SHM_SLOT_RECORD_BYTES = 32;
export const SHM_MAX_SLOTS = (SHM_HEADER_BYTES - SHM_SLOT_TABLE_OFFSET) / SHM_SLOT_RECORD_BYTES;
export const FOURCC_RGBA = 0x41424752; // 'R','G','B','A' as bytes

export const ShmState = { Initialising: 0, Live: 1, Closed: 2 } as const;
export type ShmState = (typeof ShmState)[keyof typeof ShmState];

/** Byte offsets of the header fields. */
export const Field = {
  magic: 0, // 8 bytes ASCII
  version: 8, // u32
  headerBytes: 12, // u32
  width: 16, // u32
  height: 20, // u32
  stride: 24, // u32, bytes per row
  pixelFormat: 28, // u32 FourCC
  slotCount: 32, // u32
  slotBytes: 36, // u32, distance between slots (page aligned)
  state: 40, // u32 ShmState
  fpsNum: 44, // u32
  fpsDen: 48, // u32
  writerPid: 52, // u32
  framesWritten: 56, // u64, frames published so far; the newest is in slot (framesWritten - 1) % slotCount
  lastWriteUnixUs: 64, // u64
} as const;

/** Per-slot record at SHM_SLOT_TABLE_OFFSET + slot * SHM_SLOT_RECORD_BYTES. */
export const SlotField = {
  sequence: 0, // u64: odd while the slot is being written, even when complete
  frameIndex: 8, // u64: the host's frame index of the pixels in the slot
  timeUs: 16, // u64: show time of the frame in microseconds
} as const;

export function slotRecordOffset(slot: number): number {
  return SHM_SLOT_TABLE_OFFSET + slot * SHM_SLOT_RECORD_BYTES;
}

export function slotBytesFor(stride: number, height: number): number {
  return Math.ceil((stride * height) / 4096) * 4096;
}

export function slotDataOffset(slot: number, slotBytes: number): number {
  return SHM_HEADER_BYTES + slot * slotBytes;
}
