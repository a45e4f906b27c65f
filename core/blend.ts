import { blendKernel, KERNEL_MIN_BYTES } from './blend-kernel.js';
import { lerpWord } from './packed-pixels.js';

/**
 * `out` = `from` faded into `to` by `t` (0: `from` exactly, 1: `to` exactly), per RGBA8 channel,
 * rounded. The one crossfade: the mixer's, a deck swap's, a model swap's, a decoupled stage's
 * between results and a model's dry/wet all use it. `out` may be `from` or `to` (in place).
 */
export function crossfadeInto(from: Uint8Array, to: Uint8Array, t: number, out: Uint8Array): void {
  if (t <= 0) {
    if (out !== from) out.set(from);
    return;
  }
  if (t >= 1) {
    if (out !== to) out.set(to);
    return;
  }
  const n = out.length;
  const kernel = n >= KERNEL_MIN_BYTES && from.length === n && to.length === n ? blendKernel() : null;
  if (kernel) return kernel.crossfade(from, to, Math.round(t * 256), out);
  if (((from.byteOffset | to.byteOffset | out.byteOffset | n) & 3) === 0) {
    // Whole pixels in 32-bit words: two channels per multiply.
    const wa = words(from);
    const wb = words(to);
    const wo = words(out);
    const k = Math.round(t * 256);
    for (let i = 0; i < wo.length; i++) wo[i] = lerpWord(wa[i]!, wb[i]!, k);
    return;
  }
  for (let i = 0; i < n; i++) out[i] = from[i]! + (to[i]! - from[i]!) * t + 0.5;
}

/** Word views of frame buffers, made once per buffer: the crossfade allocates nothing per frame. */
const wordViews = new WeakMap<Uint8Array, Int32Array>();

function words(bytes: Uint8Array): Int32Array {
  let view = wordViews.get(bytes);
  if (!view) {
    view = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length >> 2);
    wordViews.set(bytes, view);
  }
  return view;
}
