/** One video frame: RGBA8, rows packed (stride = width * 4). */
export interface Frame {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
  /** Output frame index this frame was rendered for. */
  index: number;
  /** Show time in seconds this frame was rendered for. */
  time: number;
  /**
   * Present on frames the engine hands to outputs: `retain()` keeps the pixels unchanged past the
   * `submit` call (no copy), `release()` gives them back. Frames without it are valid during the call only.
   */
  readonly hold?: FrameHold;
}

export interface FrameHold {
  retain(): void;
  release(): void;
}

export const BYTES_PER_PIXEL = 4;

export function frameByteLength(width: number, height: number): number {
  return width * height * BYTES_PER_PIXEL;
}

export function createFrame(width: number, height: number): Frame {
  return { width, height, data: new Uint8Array(frameByteLength(width, height)), index: 0, time: 0 };
}

export function sameSize(a: Frame, b: { width: number; height: number }): boolean {
  return a.width === b.width && a.height === b.height;
}

/** Copies pixels and timing of `from` into `to` (same size required). */
export function copyFrameInto(from: Frame, to: Frame): void {
  if (!sameSize(from, to)) {
    throw new RangeError(`copyFrameInto: ${from.width}x${from.height} into ${to.width}x${to.height}`);
  }
  to.data.set(from.data);
  to.index = from.index;
  to.time = from.time;
}

export interface Size {
  width: number;
  height: number;
}

/** Parses "1280x720" (also "1280X720"); returns null when malformed. */
export function parseSize(text: string): Size | null {
  const match = /^(\d{1,5})[xX](\d{1,5})$/.exec(text.trim());
  if (!match) return null;
  const width = Number(match[1]);
  const height = Number(match[2]);
  if (width < 16 || height < 16 || width > 8192 || height > 8192) return null;
  return { width, height };
}
