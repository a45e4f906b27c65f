/**
 * Nearest-neighbour RGBA scaling with precomputed column and row maps: one 32-bit read and write per
 * pixel, for sources (NDI in) whose size differs from the show's. Same-size rows are copied whole.
 */
export class RgbaScaler {
  private columns = new Int32Array(0);
  private rows = new Int32Array(0);
  private key = '';

  scale(src: Uint8Array, srcWidth: number, srcHeight: number, srcStride: number, dst: Uint8Array, dstWidth: number, dstHeight: number): void {
    if (srcWidth === dstWidth && srcHeight === dstHeight) {
      if (srcStride === srcWidth * 4) dst.set(src.subarray(0, dstWidth * dstHeight * 4));
      else for (let y = 0; y < dstHeight; y++) dst.set(src.subarray(y * srcStride, y * srcStride + dstWidth * 4), y * dstWidth * 4);
      return;
    }
    this.prepare(srcWidth, srcHeight, dstWidth, dstHeight);
    const aligned = src.byteOffset % 4 === 0 && srcStride % 4 === 0 && dst.byteOffset % 4 === 0;
    if (aligned) {
      const from = new Uint32Array(src.buffer, src.byteOffset, (srcStride * srcHeight) >> 2);
      const to = new Uint32Array(dst.buffer, dst.byteOffset, dstWidth * dstHeight);
      const strideWords = srcStride >> 2;
      for (let y = 0; y < dstHeight; y++) {
        const row = this.rows[y]! * strideWords;
        const out = y * dstWidth;
        for (let x = 0; x < dstWidth; x++) to[out + x] = from[row + this.columns[x]!]!;
      }
      return;
    }
    for (let y = 0; y < dstHeight; y++) {
      const row = this.rows[y]! * srcStride;
      for (let x = 0; x < dstWidth; x++) {
        const s = row + this.columns[x]! * 4;
        const d = (y * dstWidth + x) * 4;
        dst[d] = src[s]!;
        dst[d + 1] = src[s + 1]!;
        dst[d + 2] = src[s + 2]!;
        dst[d + 3] = src[s + 3]!;
      }
    }
  }

  private prepare(srcWidth: number, srcHeight: number, dstWidth: number, dstHeight: number): void {
    const key = `${srcWidth}x${srcHeight}>${dstWidth}x${dstHeight}`;
    if (key === this.key) return;
    this.key = key;
    this.columns = Int32Array.from({ length: dstWidth }, (_, x) => Math.min(srcWidth - 1, Math.floor(((x + 0.5) * srcWidth) / dstWidth)));
    this.rows = Int32Array.from({ length: dstHeight }, (_, y) => Math.min(srcHeight - 1, Math.floor(((y + 0.5) * srcHeight) / dstHeight)));
  }
}
