import type { Frame } from '../../core/frame.js';
import { Param } from '../../core/params.js';
import { crossfadeInto } from '../../core/blend.js';
import { blendKernel, KERNEL_MIN_BYTES } from '../../core/blend-kernel.js';

export const mixerParams = Param.object({
  crossfade: Param.number({ default: 0, min: 0, max: 1, unit: 'normalized', label: 'Crossfade', description: '0 = deck A, 1 = deck B.' }),
  mode: Param.enum({
    options: ['crossfade', 'add', 'multiply', 'screen', 'alpha'] as const, default: 'crossfade', label: 'Blend mode',
    description: 'crossfade blends A into B; add/multiply/screen blend B onto A, the crossfader setting the amount; alpha lays A over B through A\'s alpha (a keyed or masked deck), the crossfader fading A out.',
  }),
});

export type MixerParams = typeof mixerParams.static;

/**
 * Mixes deck A and deck B into `out`. Returns the frame to show: `a` or `b` themselves when one deck
 * fully wins (no copy), otherwise `out`.
 */
export function mixDecks(a: Frame, b: Frame | null, p: MixerParams, out: Frame): Frame {
  const x = p.crossfade;
  if (b && p.mode === 'alpha') return alphaOver(a, b, x, out);
  if (!b || x <= 0) return a;
  if (p.mode === 'crossfade' && x >= 1) return b;
  const da = a.data;
  const db = b.data;
  const dst = out.data;
  const n = da.length;
  switch (p.mode) {
    case 'alpha':
      return alphaOver(a, b, x, out); // handled above already (it composites at crossfade 0 too)
    case 'crossfade':
      crossfadeInto(da, db, x, dst);
      break;
    case 'add':
      for (let i = 0; i < n; i++) {
        const v = da[i]! + db[i]! * x;
        dst[i] = v > 255 ? 255 : v + 0.5;
      }
      break;
    case 'multiply':
      for (let i = 0; i < n; i++) {
        const blended = (da[i]! * db[i]!) / 255;
        dst[i] = da[i]! + (blended - da[i]!) * x + 0.5;
      }
      break;
    case 'screen':
      for (let i = 0; i < n; i++) {
        const blended = 255 - ((255 - da[i]!) * (255 - db[i]!)) / 255;
        dst[i] = da[i]! + (blended - da[i]!) * x + 0.5;
      }
      break;
  }
  // Alpha follows the crossfade in every mode, so an opaque pair stays opaque.
  if (p.mode !== 'crossfade') for (let i = 3; i < n; i += 4) dst[i] = Math.max(da[i]!, db[i]!);
  out.index = a.index;
  out.time = a.time;
  return out;
}

/**
 * A over B through A's alpha, A's layer faded by the crossfader; opaque result. Alpha 0..255 counts as
 * 0..256, so an opaque pixel of A (a frame code) is A exactly; the same integers as the SIMD kernel.
 */
function alphaOver(a: Frame, b: Frame, x: number, out: Frame): Frame {
  const da = a.data;
  const db = b.data;
  const dst = out.data;
  const keep = Math.round(Math.max(0, 1 - x) * 256);
  const kernel = dst.length >= KERNEL_MIN_BYTES && da.length === dst.length && db.length === dst.length ? blendKernel() : null;
  if (kernel) kernel.alphaOver(da, db, keep, dst);
  else {
    for (let i = 0; i < dst.length; i += 4) {
      const alpha = da[i + 3]!;
      const w = ((alpha + (alpha >> 7)) * keep) >> 8;
      const u = 256 - w;
      dst[i] = (da[i]! * w + db[i]! * u + 128) >> 8;
      dst[i + 1] = (da[i + 1]! * w + db[i + 1]! * u + 128) >> 8;
      dst[i + 2] = (da[i + 2]! * w + db[i + 2]! * u + 128) >> 8;
      dst[i + 3] = 255;
    }
  }
  out.index = a.index;
  out.time = a.time;
  return out;
}
