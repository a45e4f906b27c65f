import { drawFrameCode } from '../../core/frame-code.js';
import { hsvToRgb } from '../../core/color.js';
import { Param } from '../../core/params.js';
import { definePipeline } from '../contract.js';

const params = Param.object({
  barsOpacity: Param.number({
    default: 1, min: 0, max: 1, unit: 'normalized', label: 'Bars opacity',
    description: 'Alpha of the colour bars; below 1 lets an alpha-keyed feedback show through.',
  }),
  speed: Param.number({ default: 0.25, min: 0, max: 4, unit: 'hz', label: 'Speed', description: 'Laps per second of the moving disc.' }),
  disc: Param.boolean({ default: true, label: 'Moving disc' }),
  frameCode: Param.boolean({
    default: true, label: 'Frame code', modulatable: false,
    description: 'Draws the frame index as black/white blocks along the bottom edge, for receivers to read back.',
  }),
});

const BAR_COLOURS: readonly [number, number, number][] = [
  [192, 192, 192], [192, 192, 0], [0, 192, 192], [0, 192, 0], [192, 0, 192], [192, 0, 0], [0, 0, 192],
];

/** Colour bars, a disc on a Lissajous path with cycling hue, and the frame index in pixels. */
export const testPattern = definePipeline({
  id: 'test-pattern',
  name: 'Test pattern',
  kind: 'source',
  description: 'Colour bars, a moving disc and the frame index encoded in pixels.',
  params,
  create(ctx) {
    const { width, height } = ctx;
    const frame = ctx.pool.acquire(width, height);
    const background = ctx.pool.acquire(width, height);
    let backgroundOpacity = -1;
    const discColour: [number, number, number] = [0, 0, 0];

    return {
      process(_input, p, clock) {
        if (p.barsOpacity !== backgroundOpacity) {
          drawBars(background.data, width, height, Math.round(p.barsOpacity * 255));
          backgroundOpacity = p.barsOpacity;
        }
        frame.data.set(background.data);
        if (p.disc) {
          const phase = clock.time * p.speed * 2 * Math.PI;
          const cx = width / 2 + Math.sin(phase) * width * 0.35;
          const cy = height * 0.42 + Math.sin(phase * 2) * height * 0.25;
          drawDisc(frame.data, width, height, cx, cy, height / 10, hsvToRgb(clock.time * 60, 0.85, 1, discColour));
        }
        if (p.frameCode) drawFrameCode(frame.data, width, height, clock.frame);
        frame.index = clock.frame;
        frame.time = clock.time;
        return frame;
      },
      dispose() {
        ctx.pool.release(frame);
        ctx.pool.release(background);
      },
    };
  },
});

function drawBars(data: Uint8Array, width: number, height: number, alpha: number): void {
  const barsBottom = Math.round(height * 0.67);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      if (y < barsBottom) {
        const c = BAR_COLOURS[Math.min(BAR_COLOURS.length - 1, Math.floor((x * BAR_COLOURS.length) / width))] ?? [0, 0, 0];
        data[o] = c[0];
        data[o + 1] = c[1];
        data[o + 2] = c[2];
      } else {
        const level = Math.round((x / Math.max(1, width - 1)) * 255);
        data[o] = level;
        data[o + 1] = level;
        data[o + 2] = level;
      }
      data[o + 3] = alpha;
    }
  }
}

function drawDisc(data: Uint8Array, width: number, height: number, cx: number, cy: number, radius: number, rgb: [number, number, number]): void {
  const y0 = Math.max(0, Math.floor(cy - radius));
  const y1 = Math.min(height - 1, Math.ceil(cy + radius));
  const r2 = radius * radius;
  for (let y = y0; y <= y1; y++) {
    const dy = y + 0.5 - cy;
    const half = Math.sqrt(Math.max(0, r2 - dy * dy));
    const x0 = Math.max(0, Math.ceil(cx - half - 0.5));
    const x1 = Math.min(width - 1, Math.floor(cx + half - 0.5));
    for (let x = x0; x <= x1; x++) {
      const o = (y * width + x) * 4;
      data[o] = rgb[0];
      data[o + 1] = rgb[1];
      data[o + 2] = rgb[2];
      data[o + 3] = 255;
    }
  }
}
