// Whole-frame blends in WebAssembly SIMD, 16 bytes (4 pixels) a step: the mixer's alpha-over and the one
// crossfade (core/blend.ts). Same integer arithmetic as their JS paths, so both give the same bytes.

// out = (a * (256 - t) + b * t + 128) >> 8 per channel, t in 0..256.
@inline function lerp(a: v128, b: v128, wa: v128, wb: v128): v128 {
  const r = i16x8.splat(128);
  return i16x8.shr_u(i16x8.add(i16x8.add(i16x8.mul(a, wa), i16x8.mul(b, wb)), r), 8);
}

export function crossfade(a: usize, b: usize, out: usize, bytes: i32, t: i32): void {
  const wb = i16x8.splat(<i16>t);
  const wa = i16x8.splat(<i16>(256 - t));
  const n = <usize>bytes;
  let i: usize = 0;
  for (; i + 16 <= n; i += 16) {
    const va = v128.load(a + i);
    const vb = v128.load(b + i);
    const lo = lerp(i16x8.extend_low_i8x16_u(va), i16x8.extend_low_i8x16_u(vb), wa, wb);
    const hi = lerp(i16x8.extend_high_i8x16_u(va), i16x8.extend_high_i8x16_u(vb), wa, wb);
    v128.store(out + i, i8x16.narrow_i16x8_u(lo, hi));
  }
  for (; i < n; i++) store<u8>(out + i, <u8>((<i32>load<u8>(a + i) * (256 - t) + <i32>load<u8>(b + i) * t + 128) >> 8));
}

// A over B through A's alpha (0..255 read as 0..256, so 255 is A exactly), A's weight scaled by
// keep (0..256); the result is opaque.
export function alphaOver(a: usize, b: usize, out: usize, bytes: i32, keep: i32): void {
  const k = i32x4.splat(keep);
  const full = i16x8.splat(256);
  const opaque = i32x4.splat(0xff000000);
  const n = <usize>bytes;
  let i: usize = 0;
  for (; i + 16 <= n; i += 16) {
    const va = v128.load(a + i);
    const vb = v128.load(b + i);
    const alpha = i32x4.shr_u(va, 24);
    const w = i32x4.shr_u(i32x4.mul(i32x4.add(alpha, i32x4.shr_u(alpha, 7)), k), 8);
    const wLo = i8x16.shuffle(w, w, 0, 1, 0, 1, 0, 1, 0, 1, 4, 5, 4, 5, 4, 5, 4, 5);
    const wHi = i8x16.shuffle(w, w, 8, 9, 8, 9, 8, 9, 8, 9, 12, 13, 12, 13, 12, 13, 12, 13);
    const lo = lerp(i16x8.extend_low_i8x16_u(va), i16x8.extend_low_i8x16_u(vb), wLo, i16x8.sub(full, wLo));
    const hi = lerp(i16x8.extend_high_i8x16_u(va), i16x8.extend_high_i8x16_u(vb), wHi, i16x8.sub(full, wHi));
    v128.store(out + i, v128.or(i8x16.narrow_i16x8_u(lo, hi), opaque));
  }
  for (; i + 4 <= n; i += 4) {
    const alpha = <i32>load<u8>(a + i + 3);
    const w = ((alpha + (alpha >> 7)) * keep) >> 8;
    for (let c: usize = 0; c < 3; c++) store<u8>(out + i + c, <u8>((<i32>load<u8>(a + i + c) * w + <i32>load<u8>(b + i + c) * (256 - w) + 128) >> 8));
    store<u8>(out + i + 3, 255);
  }
}

// (a * (256 - t) + b * t + 128) >> 8 per channel of two packed RGBA words (R in the low byte), as
// core/packed-pixels.ts lerpWord.
@inline function lerpWord(a: u32, b: u32, t: u32): u32 {
  const u = 256 - t;
  const rb = (((a & 0x00ff00ff) * u + (b & 0x00ff00ff) * t + 0x00800080) >> 8) & 0x00ff00ff;
  const ga = ((((a >> 8) & 0x00ff00ff) * u + ((b >> 8) & 0x00ff00ff) * t + 0x00800080) >> 8) & 0x00ff00ff;
  return rb | (ga << 8);
}

// Source row `row` scaled horizontally into `buf`, for x in [xFrom, xTo] (tables: i32 x0, x1, wx).
function scaleRow(src: usize, sw: i32, row: i32, buf: usize, x0: usize, x1: usize, wx: usize, xFrom: i32, xTo: i32): void {
  const r = src + ((<usize>(row * sw)) << 2);
  for (let x = xFrom; x <= xTo; x++) {
    const o = <usize>x << 2;
    const a = load<u32>(r + ((<usize>load<i32>(x0 + o)) << 2));
    const b = load<u32>(r + ((<usize>load<i32>(x1 + o)) << 2));
    store<u32>(buf + o, lerpWord(a, b, <u32>load<i32>(wx + o)));
  }
}

// Bilinear resample, the same steps and integers as image-tensor.ts resampleRgba: per output row (ys:
// i32 y0, y1, wy; y0 < 0 skips the row) two scaled source rows (cached while consecutive rows share
// them) blended by wy, four pixels a step.
export function resample(src: usize, sw: i32, dst: usize, dw: i32, dh: i32, x0: usize, x1: usize, wx: usize, ys: usize, xFrom: i32, xTo: i32, rowA: usize, rowB: usize): void {
  let a = rowA;
  let b = rowB;
  let ra = -1;
  let rb = -1;
  for (let y = 0; y < dh; y++) {
    const e = ys + (<usize>y) * 12;
    const y0 = load<i32>(e);
    if (y0 < 0) continue;
    const y1 = load<i32>(e + 4);
    const wy = load<i32>(e + 8);
    if (y0 != ra) {
      if (y0 == rb) {
        const t = a;
        a = b;
        b = t;
        rb = ra;
      } else scaleRow(src, sw, y0, a, x0, x1, wx, xFrom, xTo);
      ra = y0;
    }
    if (y1 != rb) {
      scaleRow(src, sw, y1, b, x0, x1, wx, xFrom, xTo);
      rb = y1;
    }
    const out = dst + ((<usize>(y * dw)) << 2);
    const from = <usize>xFrom << 2;
    const n = <usize>(xTo - xFrom + 1) << 2;
    if (wy == 0) {
      memory.copy(out + from, a + from, n);
      continue;
    }
    const wb = i16x8.splat(<i16>wy);
    const wa = i16x8.splat(<i16>(256 - wy));
    let i: usize = 0;
    for (; i + 16 <= n; i += 16) {
      const va = v128.load(a + from + i);
      const vb = v128.load(b + from + i);
      const lo = lerp(i16x8.extend_low_i8x16_u(va), i16x8.extend_low_i8x16_u(vb), wa, wb);
      const hi = lerp(i16x8.extend_high_i8x16_u(va), i16x8.extend_high_i8x16_u(vb), wa, wb);
      v128.store(out + from + i, i8x16.narrow_i16x8_u(lo, hi));
    }
    for (; i < n; i += 4) store<u32>(out + from + i, lerpWord(load<u32>(a + from + i), load<u32>(b + from + i), <u32>wy));
  }
}
