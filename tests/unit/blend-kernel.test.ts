import { describe, expect, it } from 'vitest';
import { crossfadeInto } from '../../core/blend.js';
import { blendKernel, KERNEL_MIN_BYTES } from '../../core/blend-kernel.js';
import { mixDecks } from '../../pipelines/builtins/mixer.js';
import type { Placement } from '../../pipelines/onnx/placement.js';
import { resampleRgba } from '../../pipelines/onnx/resample.js';
import { noiseFrame } from '../helpers/frames.js';

// The SIMD kernel against the arithmetic it promises (the JS paths' own), byte for byte, on noise
// frames large enough to take it (and small ones, which stay in JS), with a tail that is not whole pixels.
const lerp = (a: number, b: number, t: number) => (a * (256 - t) + b * t + 128) >> 8;

describe('the SIMD blend kernel', () => {
  it('is there (WebAssembly SIMD is in every Node the host supports)', () => {
    expect(blendKernel()).not.toBeNull();
  });

  it('crossfades byte for byte as the JS words do, at any size and fade', () => {
    for (const [w, h] of [[1280, 720], [97, 61], [8, 8]] as const) {
      const a = noiseFrame(w, h, 3).data;
      const b = noiseFrame(w, h, 4).data;
      for (const t of [0.001, 0.25, 0.5, 0.999]) {
        const out = new Uint8Array(a.length);
        crossfadeInto(a, b, t, out);
        const k = Math.round(t * 256);
        let wrong = 0;
        for (let i = 0; i < out.length; i++) if (out[i] !== lerp(a[i]!, b[i]!, k)) wrong++;
        expect([w, h, t, wrong]).toEqual([w, h, t, 0]);
      }
    }
    expect(1280 * 720 * 4).toBeGreaterThan(KERNEL_MIN_BYTES); // the large one did take the kernel
  });

  it('lays A over B through A\'s alpha: opaque A exactly, transparent A is B exactly, opaque out', () => {
    for (const [w, h] of [[1280, 720], [33, 17]] as const) {
      const a = noiseFrame(w, h, 5);
      const b = noiseFrame(w, h, 6);
      // Some pixels fully opaque, some fully transparent.
      for (let i = 3; i < a.data.length; i += 4 * 7) a.data[i] = 255;
      for (let i = 3 + 4 * 3; i < a.data.length; i += 4 * 11) a.data[i] = 0;
      for (const x of [0, 0.3]) {
        const out = noiseFrame(w, h, 7);
        mixDecks(a, b, { crossfade: x, mode: 'alpha' }, out);
        const keep = Math.round((1 - x) * 256);
        let wrong = 0;
        for (let p = 0; p < out.data.length; p += 4) {
          const alpha = a.data[p + 3]!;
          const weight = ((alpha + (alpha >> 7)) * keep) >> 8;
          for (let c = 0; c < 3; c++) if (out.data[p + c] !== lerp(b.data[p + c]!, a.data[p + c]!, weight)) wrong++;
          if (out.data[p + 3] !== 255) wrong++;
          if (x === 0 && alpha === 255 && (out.data[p] !== a.data[p] || out.data[p + 1] !== a.data[p + 1])) wrong++;
          if (alpha === 0 && (out.data[p] !== b.data[p] || out.data[p + 2] !== b.data[p + 2])) wrong++;
        }
        expect([w, h, x, wrong]).toEqual([w, h, x, 0]);
      }
    }
  });
});

describe('the SIMD resample (a model\'s picture onto the frame)', () => {
  it('gives the JS resample\'s bytes: up, down, letterboxed and cropped, leaving what is outside the picture as it was', () => {
    const cases: [string, number, number, number, number, Placement][] = [
      ['256x144 up to 720p, stretched', 256, 144, 1280, 720, { scaleX: 256 / 1280, scaleY: 144 / 720, offsetX: 0, offsetY: 0 }],
      ['672x672 down to 720p, cropped', 672, 672, 1280, 720, { scaleX: 672 / 1280, scaleY: 672 / 1280, offsetX: 0, offsetY: 147 }],
      ['224x224 into 720p, letterboxed', 224, 224, 1280, 720, { scaleX: 224 / 720, scaleY: 224 / 720, offsetX: -87.1, offsetY: 0 }],
      ['1280x720 down to 257x257', 1280, 720, 257, 257, { scaleX: 1280 / 257, scaleY: 720 / 257, offsetX: 0, offsetY: 0 }],
    ];
    for (const [what, sw, sh, dw, dh, map] of cases) {
      const src = noiseFrame(sw, sh, 8).data;
      const withKernel = noiseFrame(dw, dh, 9).data;
      const inJs = withKernel.slice();
      resampleRgba(src, sw, sh, withKernel, dw, dh, map);
      resampleRgba(src, sw, sh, inJs, dw, dh, map, { kernel: false });
      let wrong = 0;
      for (let i = 0; i < inJs.length; i++) if (withKernel[i] !== inJs[i]) wrong++;
      expect([what, wrong]).toEqual([what, 0]);
    }
  });
});
