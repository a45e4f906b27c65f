// AssemblyScript: the feedback kernel in WebAssembly SIMD. It must give bit-identical results to
// renderFeedbackJs in ../feedback-kernel.ts (the reference), which the tests check.

const KEY_NONE: i32 = 0;
const KEY_ALPHA: i32 = 1;
const ONES: i64 = 0x0001000100010001;

// [256 - t] x4 | [t] x4 as u16 lanes, for t in 0..256: one load instead of building it per pixel.
const WEIGHTS = memory.data(257 * 16, 16);
for (let t = 0; t <= 256; t++) {
  v128.store(WEIGHTS + (<usize>t << 4), i64x2.replace_lane(i64x2.splat(<i64>(256 - t) * ONES), 1, <i64>t * ONES));
}

// @ts-ignore: decorator
@inline function weights(t: i32): v128 {
  return v128.load(WEIGHTS + (<usize>t << 4));
}

/** u16 lanes [a rgba | b rgba] -> packed (a * (256 - t) + b * t + 128) >> 8 per channel. */
// @ts-ignore: decorator
@inline function blendPair(pair: v128, t: i32): u32 {
  const s = blendPairWide(pair, t);
  return <u32>i32x4.extract_lane(i8x16.narrow_i16x8_u(s, s), 0);
}

// @ts-ignore: decorator
@inline function lerpWord(a: u32, b: u32, t: i32): u32 {
  return blendPair(i16x8.extend_low_i8x16_u(i32x4.replace_lane(i32x4.splat(a), 1, b)), t);
}

/** u16 lanes [a rgba | b rgba] -> u16 lanes [(a * (256 - t) + b * t + 128) >> 8 | junk]. */
// @ts-ignore: decorator
@inline function blendPairWide(pair: v128, t: i32): v128 {
  const m = i16x8.mul(pair, weights(t));
  return i16x8.shr_u(i16x8.add(i16x8.add(m, i64x2.shuffle(m, m, 1, 0)), i16x8.splat(128)), 8);
}

/** Bilinear sample of four neighbours, all inside the frame; the pixel as u16 lanes [r g b a | junk]. */
// @ts-ignore: decorator
@inline function sampleInside(p: usize, rowBytes: usize, wx: i32, wy: i32): v128 {
  const wv = weights(wx);
  const tm = i16x8.mul(i16x8.extend_low_i8x16_u(v128.load64_zero(p)), wv);
  const bm = i16x8.mul(i16x8.extend_low_i8x16_u(v128.load64_zero(p + rowBytes)), wv);
  const sum = i16x8.add(i16x8.add(i64x2.shuffle(tm, bm, 0, 2), i64x2.shuffle(tm, bm, 1, 3)), i16x8.splat(128));
  return blendPairWide(i16x8.shr_u(sum, 8), wy);
}

// @ts-ignore: decorator
@inline function widen(word: u32): v128 {
  return i16x8.extend_low_i8x16_u(i32x4.splat(word));
}

// @ts-ignore: decorator
@inline function at(src: usize, width: i32, height: i32, x: i32, y: i32): u32 {
  return x >= 0 && x < width && y >= 0 && y < height ? load<u32>(src + ((<usize>(y * width + x)) << 2)) : 0;
}

function sampleEdge(src: usize, width: i32, height: i32, sx: i32, sy: i32): u32 {
  const x0 = sx >> 16, y0 = sy >> 16, wx = (sx >> 8) & 0xff, wy = (sy >> 8) & 0xff;
  const top = lerpWord(at(src, width, height, x0, y0), at(src, width, height, x0 + 1, y0), wx);
  const bottom = lerpWord(at(src, width, height, x0, y0 + 1), at(src, width, height, x0 + 1, y0 + 1), wx);
  return lerpWord(top, bottom, wy);
}

// The hue matrix as columns, so one pixel's rotation is four multiplies on [r, g, b, a] lanes.
let hueR: v128 = i32x4.splat(0);
let hueG: v128 = i32x4.splat(0);
let hueB: v128 = i32x4.splat(0);
const hueA: v128 = i32x4(0, 0, 0, 1024);

export function setHue(h0: i32, h1: i32, h2: i32, h3: i32, h4: i32, h5: i32, h6: i32, h7: i32, h8: i32): void {
  hueR = i32x4(h0, h3, h6, 0);
  hueG = i32x4(h1, h4, h7, 0);
  hueB = i32x4(h2, h5, h8, 0);
}

/** Same arithmetic as the JS reference: (row . rgb + 512) >> 10, clamped to 0..255 by saturating narrows. */
// @ts-ignore: decorator
@inline function rotateHue(wide: v128, cr: v128, cg: v128, cb: v128): v128 {
  const px = i32x4.extend_low_i16x8_u(wide);
  let acc = i32x4.add(i32x4.mul(i32x4.shuffle(px, px, 0, 0, 0, 0), cr), i32x4.mul(i32x4.shuffle(px, px, 1, 1, 1, 1), cg));
  acc = i32x4.add(acc, i32x4.add(i32x4.mul(i32x4.shuffle(px, px, 2, 2, 2, 2), cb), i32x4.mul(i32x4.shuffle(px, px, 3, 3, 3, 3), hueA)));
  acc = i32x4.shr_s(i32x4.add(acc, i32x4.splat(512)), 10);
  const n16 = i16x8.narrow_i32x4_s(acc, acc);
  return i16x8.min_s(i16x8.max_s(n16, i16x8.splat(0)), i16x8.splat(255));
}

/**
 * `transform` points at four f64 in this memory (origin x, y; cos, sin), not four arguments: a float
 * argument is boxed on the heap whenever V8 calls the export generically (one call site serving two
 * kernels, as in a deck swap's fade), and the kernel is called once a band.
 */
export function render(
  src: usize, inp: usize, dst: usize, width: i32, height: i32,
  transform: usize, stepX: i32, stepY: i32,
  useHue: bool, keep: i32, mix: i32, key: i32, rowStart: i32, rowEnd: i32,
): void {
  const ox = load<f64>(transform);
  const oy = load<f64>(transform, 8);
  const cos = load<f64>(transform, 16);
  const sin = load<f64>(transform, 24);
  const maxX = width - 1;
  const maxY = height - 1;
  const rowBytes = <usize>width << 2;
  const cr = hueR, cg = hueG, cb = hueB;
  const keepV = i16x8.splat(<i16>keep);
  // Rows are independent, so threads can each take a band.
  for (let y = rowStart; y < rowEnd; y++) {
    let sx = <i32>Math.round((ox + sin * <f64>y) * 65536);
    let sy = <i32>Math.round((oy + cos * <f64>y) * 65536);
    let o = <usize>(y * width) << 2;
    for (let x = 0; x < width; x++) {
      const x0 = sx >> 16;
      const y0 = sy >> 16;
      let fed: v128 = i64x2.splat(0);
      if (x0 >= 0 && x0 < maxX && y0 >= 0 && y0 < maxY) {
        fed = sampleInside(src + ((<usize>(y0 * width + x0)) << 2), rowBytes, (sx >> 8) & 0xff, (sy >> 8) & 0xff);
      } else if (x0 >= -1 && x0 <= maxX && y0 >= -1 && y0 <= maxY) {
        fed = widen(sampleEdge(src, width, height, sx, sy));
      }
      if (useHue) fed = rotateHue(fed, cr, cg, cb);
      if (keep != 256) fed = i16x8.shr_u(i16x8.add(i16x8.mul(fed, keepV), i16x8.splat(128)), 8);

      const pin = load<u32>(inp + o);
      // [input rgba | fed rgba] as u16 lanes, ready to blend.
      const pair = i64x2.shuffle(widen(pin), fed, 0, 2);
      let out: u32;
      if (key == KEY_NONE) {
        out = blendPair(pair, mix);
      } else if (key == KEY_ALPHA) {
        const ia = <i32>(pin >>> 24);
        const k = (mix * (255 - ia) * 257 + 32768) >> 16;
        const outA = min<i32>(255, ia + ((<i32>i16x8.extract_lane_u(fed, 3) * k + 128) >> 8));
        out = (blendPair(pair, k) & 0x00ffffff) | (<u32>outA << 24);
      } else {
        const luma = (<i32>(pin & 255) * 54 + <i32>((pin >>> 8) & 255) * 183 + <i32>((pin >>> 16) & 255) * 19) >> 8;
        const k = (mix * (255 - luma) * 257 + 32768) >> 16;
        out = blendPair(pair, k);
      }
      store<u32>(dst + o, out);
      o += 4;
      sx += stepX;
      sy += stepY;
    }
  }
}
