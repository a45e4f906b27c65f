/**
 * Arithmetic on whole RGBA8 pixels packed in 32-bit words (R in the low byte): red/blue and
 * green/alpha ride in the two 16-bit halves of one multiply, two channels per imul.
 */
const LANES = 0x00ff00ff;
const ROUND = 0x00800080;

/** (a * (256 - t) + b * t) / 256 per channel, t in 0..256, rounded. */
export function lerpWord(a: number, b: number, t: number): number {
  const u = 256 - t;
  const rb = ((Math.imul(a & LANES, u) + Math.imul(b & LANES, t) + ROUND) >>> 8) & LANES;
  const ga = ((Math.imul((a >>> 8) & LANES, u) + Math.imul((b >>> 8) & LANES, t) + ROUND) >>> 8) & LANES;
  return rb | (ga << 8);
}

/** Every channel scaled by t/256 (t in 0..256), rounded. */
export function scaleWord(a: number, t: number): number {
  const rb = ((Math.imul(a & LANES, t) + ROUND) >>> 8) & LANES;
  const ga = ((Math.imul((a >>> 8) & LANES, t) + ROUND) >>> 8) & LANES;
  return rb | (ga << 8);
}
