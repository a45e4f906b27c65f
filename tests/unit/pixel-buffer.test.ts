import koffi from 'koffi';
import { describe, expect, it } from 'vitest';
import { HUGE_PAGE_BYTES } from '../../core/libc.js';
import { pixelBuffer } from '../../core/pixel-buffer.js';

describe('pixel buffers', () => {
  it('are zeroed, of the size asked, and keep their pixels when moved to another thread', () => {
    const bytes = 1280 * 720 * 4;
    const data = pixelBuffer(bytes);
    expect(data.byteLength).toBe(bytes);
    expect(data.every((v) => v === 0)).toBe(true);
    data[0] = 1;
    data[bytes - 1] = 2;
    // What a transfer to the frame loop does: the whole backing buffer moves, the view with it.
    const moved = structuredClone(data, { transfer: [data.buffer as ArrayBuffer] });
    expect(data.byteLength).toBe(0);
    expect([moved.byteLength, moved[0], moved[bytes - 1]]).toEqual([bytes, 1, 2]);
  });

  it('on Linux start on a 2 MB boundary (so their pages can be huge); small ones are plain', () => {
    const big = pixelBuffer(1920 * 1080 * 4);
    const start = BigInt(koffi.address(big.buffer)) + BigInt(big.byteOffset);
    if (process.platform === 'linux') expect(start % BigInt(HUGE_PAGE_BYTES)).toBe(0n);
    const small = pixelBuffer(HUGE_PAGE_BYTES - 4);
    expect([small.byteOffset, small.buffer.byteLength]).toEqual([0, HUGE_PAGE_BYTES - 4]);
  });
});
