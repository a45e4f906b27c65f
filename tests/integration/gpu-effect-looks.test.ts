import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuDevice } from '../../gpu/gpu-device.js';
import type { PipelineRegistry } from '../../pipelines/registry.js';
import { gpuEngine, openTestGpu, psnr, type ChainRef } from '../helpers/gpu-render.js';

// What each effect's name promises, checked on the picture (real WebGPU on lavapipe), 96x54 test pattern.
const W = 96;
const H = 54;
let gpu: GpuDevice;
let registry: PipelineRegistry;
let input: Uint8Array;

async function render(chain: ChainRef[], frames = 3): Promise<Uint8Array> {
  const { engine, step } = await gpuEngine(registry, chain, { size: `${W}x${H}` });
  try {
    return await step(frames);
  } finally {
    await engine.stop();
  }
}

const at = (f: Uint8Array, x: number, y: number, c: number): number => f[(y * W + x) * 4 + c]!;
/** Energy of the differences between neighbouring pixels: how sharp the picture is (a blur spreads each edge, lowering it). */
function detail(f: Uint8Array): number {
  let sum = 0;
  for (let y = 0; y < H; y++) for (let x = 1; x < W; x++) for (let c = 0; c < 3; c++) sum += (at(f, x, y, c) - at(f, x - 1, y, c)) ** 2;
  return sum;
}
const mean = (f: Uint8Array, c = -1): number => {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < f.length; i++) {
    if (c < 0 ? i % 4 === 3 : i % 4 !== c) continue;
    sum += f[i]!;
    n++;
  }
  return sum / n;
};
const distinct = (f: Uint8Array, c: number): number => new Set(f.filter((_, i) => i % 4 === c)).size;
const transparent = (f: Uint8Array): number => f.filter((v, i) => i % 4 === 3 && v < 8).length;

beforeAll(async () => {
  ({ gpu, registry } = await openTestGpu());
  input = await render([]);
});
afterAll(() => gpu?.close());

describe('each GPU effect does what its name says', () => {
  it('blur removes detail, more with a wider radius; bloom brightens', async () => {
    const small = detail(await render([{ pipeline: 'blur', params: { radius: 2 } }]));
    const wide = detail(await render([{ pipeline: 'blur', params: { radius: 12 } }]));
    expect(small).toBeLessThan(detail(input) * 0.8);
    expect(wide).toBeLessThan(small * 0.8);
    expect(mean(await render([{ pipeline: 'bloom', params: { threshold: 0.3, intensity: 2 } }]))).toBeGreaterThan(mean(input) + 5);
  });

  it('posterize leaves that many levels; pixelate makes blocks of one colour', async () => {
    const poster = await render([{ pipeline: 'posterize', params: { levels: 3 } }]);
    expect(distinct(poster, 0)).toBeLessThanOrEqual(3);
    expect(distinct(input, 0)).toBeGreaterThan(3);
    const pix = await render([{ pipeline: 'pixelate', params: { size: 8 } }]);
    for (let by = 0; by + 8 <= H; by += 8) for (let bx = 0; bx + 8 <= W; bx += 8) {
      for (let c = 0; c < 3; c++) expect(at(pix, bx + 7, by + 7, c)).toBe(at(pix, bx, by, c));
    }
  });

  it('colour adjust: saturation 0 is grey, brightness raises the level, a hue turn of 120 degrees makes red green', async () => {
    const grey = await render([{ pipeline: 'color-adjust', params: { saturation: 0 } }]);
    for (let i = 0; i < grey.length; i += 4) expect(Math.abs(grey[i]! - grey[i + 2]!)).toBeLessThanOrEqual(1);
    expect(mean(await render([{ pipeline: 'color-adjust', params: { brightness: 0.3 } }]))).toBeGreaterThan(mean(input) + 40);
    // The red bar (sixth of seven) turns green.
    const x = Math.floor((5.5 / 7) * W);
    expect([at(input, x, 10, 0), at(input, x, 10, 1)]).toEqual([expect.any(Number), 0]);
    expect(at(input, x, 10, 0)).toBeGreaterThan(150);
    const turned = await render([{ pipeline: 'color-adjust', params: { hue: 120 } }]);
    expect(at(turned, x, 10, 1)).toBeGreaterThan(150);
    expect(at(turned, x, 10, 0)).toBeLessThan(10);
  });

  it('mirror and kaleidoscope are symmetric; rgb split moves red against blue', async () => {
    const mirrored = await render([{ pipeline: 'mirror', params: { mode: 'left to right' } }]);
    for (let y = 0; y < H; y += 5) for (let x = 0; x < W / 2; x += 3) expect(Math.abs(at(mirrored, x, y, 0) - at(mirrored, W - 1 - x, y, 0))).toBeLessThanOrEqual(2);
    const kal = await render([{ pipeline: 'kaleidoscope', params: { segments: 2 } }]);
    // Two wedges: the picture folded about the horizontal through the centre.
    for (let y = 2; y < H / 2; y += 4) for (let x = 4; x < W - 4; x += 7) expect(Math.abs(at(kal, x, y, 1) - at(kal, x, H - 1 - y, 1))).toBeLessThanOrEqual(12);
    const split = await render([{ pipeline: 'rgb-split', params: { amount: 0.05 } }]);
    expect(mean(split, 1)).toBeCloseTo(mean(input, 1), 0);
    expect(detail(split)).not.toBe(detail(input));
  });

  it('luma key turns the dark parts transparent, more with a higher threshold; chroma key the green', async () => {
    const low = transparent(await render([{ pipeline: 'luma-key', params: { threshold: 0.2, softness: 0 } }]));
    const high = transparent(await render([{ pipeline: 'luma-key', params: { threshold: 0.6, softness: 0 } }]));
    expect(high).toBeGreaterThan(low);
    const greenIn = input.filter((_, i) => i % 4 === 0 && input[i + 1]! > 150 && input[i]! < 60 && input[i + 2]! < 60).length;
    expect(greenIn).toBeGreaterThan(0);
    expect(transparent(await render([{ pipeline: 'chroma-key', params: { color: '#00ff00', tolerance: 0.3 } }]))).toBeGreaterThanOrEqual(greenIn * 0.9);
  });

  it('strobe flashes its colour in the first part of each beat and not after; edges draw outlines', async () => {
    // At 120 BPM and 30 fps, frame 3 is 0.2 into its beat, frame 12 is 0.8 into it.
    const on = await render([{ pipeline: 'strobe', params: { duty: 0.25, color: '#ffffff' } }], 3);
    expect(mean(on)).toBe(255);
    const off = await render([{ pipeline: 'strobe', params: { duty: 0.25 } }], 12);
    expect(mean(off)).toBeCloseTo(mean(input), 0);
    const edges = await render([{ pipeline: 'edges', params: { mode: 'edges only', color: '#ffffff' } }]);
    expect(mean(edges)).toBeLessThan(mean(input));
    expect(Math.max(...edges.filter((_, i) => i % 4 === 0))).toBeGreaterThan(200);
  });

  it('the GPU feedback has the feedback effect\'s look: the same settings give the WebAssembly kernel\'s picture', async () => {
    // A moving source (the disc) through zoom, rotation, hue shift and decay; 20 frames so the first frame's
    // seeding (the kernel starts from its input, the GPU from black) has died away.
    const source = { pipeline: 'test-pattern', params: { speed: 0.5, frameCode: false } };
    const params = { zoom: 1.03, rotation: 2, translateX: 1, hueShift: 5, decay: 0.05, mix: 0.6, key: 'none' };
    const run = async (pipeline: string) => {
      const { engine, step } = await gpuEngine(registry, [{ pipeline, params }], { size: `${W}x${H}`, source });
      try {
        return await step(20);
      } finally {
        await engine.stop();
      }
    };
    const cpu = await run('feedback');
    const gpuPicture = await run('feedback-gpu');
    expect(psnr(gpuPicture, cpu)).toBeGreaterThan(30);
    expect(psnr(gpuPicture, await render([], 21))).toBeLessThan(psnr(gpuPicture, cpu) - 5);
  });

  it('film grain adds noise that changes every frame; time echo and feedback leave trails that build over frames', async () => {
    const a = await render([{ pipeline: 'film-grain', params: { grain: 0.5, scanlines: 0, vignette: 0 } }], 3);
    const b = await render([{ pipeline: 'film-grain', params: { grain: 0.5, scanlines: 0, vignette: 0 } }], 4);
    expect(detail(a)).toBeGreaterThan(detail(input));
    expect(a).not.toEqual(b);
    const trail = await render([{ pipeline: 'time-echo', params: { echo: 0.9, drift: [0.01, 0] } }], 10);
    expect(detail(trail)).not.toBe(detail(input));
    const fed = await render([{ pipeline: 'feedback-gpu', params: { zoom: 1.05, mix: 0.8, decay: 0 } }], 10);
    expect(fed).not.toEqual(input);
  });
});
