/**
 * The frame index drawn into pixels as a strip of large black/white blocks along the bottom edge,
 * so any receiver (shm reader, NDI receiver, a pulled H.264 stream) can read back which frame it got.
 * Blocks are big enough to survive lossy codecs: decoding samples the middle of each block.
 *
 * Layout: BLOCKS equal-width blocks across the full width, STRIP_FRACTION of the height, at the bottom:
 *   [white guard][32 data bits, most significant first][black guard]
 */
export const CODE_BITS = 32;
const BLOCKS = CODE_BITS + 2;
const STRIP_FRACTION = 1 / 18;

export interface CodeRegion {
  top: number;
  height: number;
}

export function codeRegion(width: number, height: number): CodeRegion {
  void width;
  const stripHeight = Math.max(8, Math.round(height * STRIP_FRACTION));
  return { top: height - stripHeight, height: stripHeight };
}

function blockStart(width: number, block: number): number {
  return Math.floor((block * width) / BLOCKS);
}

/**
 * A white and a black opaque pixel as little-endian RGBA words, signed: small integers the optimiser
 * passes as they are (an unsigned word above 2^31 would be boxed anew for every row it fills).
 */
const WHITE_WORD = -1;
const BLACK_WORD = 0xff000000 | 0;

/** Draws `index` (mod 2^32) into an RGBA frame buffer, opaque. */
export function drawFrameCode(data: Uint8Array, width: number, height: number, index: number): void {
  const { top, height: stripHeight } = codeRegion(width, height);
  const value = index >>> 0;
  const words = new Int32Array(data.buffer, data.byteOffset, (data.byteLength / 4) | 0);
  const aligned = data.byteOffset % 4 === 0;
  for (let block = 0; block < BLOCKS; block++) {
    const on = block === 0 ? true : block === BLOCKS - 1 ? false : ((value >>> (CODE_BITS - block)) & 1) === 1;
    const level = on ? 255 : 0;
    const x0 = blockStart(width, block);
    const x1 = blockStart(width, block + 1);
    const word = on ? WHITE_WORD : BLACK_WORD;
    for (let y = top; y < top + stripHeight; y++) {
      if (aligned) {
        words.fill(word, y * width + x0, y * width + x1);
      } else {
        for (let x = x0; x < x1; x++) {
          const o = (y * width + x) * 4;
          data[o] = level;
          data[o + 1] = level;
          data[o + 2] = level;
          data[o + 3] = 255;
        }
      }
    }
  }
}

/**
 * Reads the index back from RGBA (or BGRA: only luma-ish levels are compared) pixels.
 * Returns null when the guards are not where they should be (no code, or an unrelated picture).
 */
export function readFrameCode(data: Uint8Array, width: number, height: number, stride = width * 4): number | null {
  const { top, height: stripHeight } = codeRegion(width, height);
  const levels: number[] = [];
  for (let block = 0; block < BLOCKS; block++) {
    const x0 = blockStart(width, block);
    const x1 = blockStart(width, block + 1);
    const bw = x1 - x0;
    // Middle half of the block in both directions: away from edges that codecs blur.
    const sx0 = x0 + Math.floor(bw / 4);
    const sx1 = x1 - Math.floor(bw / 4);
    const sy0 = top + Math.floor(stripHeight / 4);
    const sy1 = top + stripHeight - Math.floor(stripHeight / 4);
    let sum = 0;
    let n = 0;
    for (let y = sy0; y < sy1; y++) {
      for (let x = sx0; x < sx1; x++) {
        const o = y * stride + x * 4;
        sum += (data[o] ?? 0) + (data[o + 1] ?? 0) + (data[o + 2] ?? 0);
        n += 3;
      }
    }
    levels.push(n ? sum / n : 0);
  }
  if ((levels[0] ?? 0) < 160 || (levels[BLOCKS - 1] ?? 255) > 96) return null;
  let value = 0;
  for (let bit = 1; bit <= CODE_BITS; bit++) {
    value = (value * 2 + ((levels[bit] ?? 0) >= 128 ? 1 : 0)) >>> 0;
  }
  return value;
}
