import { parseHexColor } from '../../core/color.js';
import { Param } from '../../core/params.js';
import { definePipeline } from '../contract.js';

const params = Param.object({
  from: Param.color({ default: '#000000', label: 'From' }),
  to: Param.color({ default: '#ffffff', label: 'To' }),
  angle: Param.number({ default: 0, min: -360, max: 360, unit: 'degrees', label: 'Angle' }),
  spin: Param.number({ default: 0, min: -360, max: 360, unit: 'degrees', label: 'Spin', description: 'Degrees per second added to the angle.' }),
});

/** A linear gradient between two colours, optionally spinning. */
export const gradient = definePipeline({
  id: 'gradient',
  name: 'Gradient',
  kind: 'generator',
  params,
  create(ctx) {
    const { width, height } = ctx;
    const frame = ctx.pool.acquire(width, height);
    const data = frame.data;
    return {
      process(_input, p, clock) {
        const [r0, g0, b0] = parseHexColor(p.from);
        const [r1, g1, b1] = parseHexColor(p.to);
        const rad = ((p.angle + p.spin * clock.time) * Math.PI) / 180;
        const dx = Math.cos(rad);
        const dy = Math.sin(rad);
        // Project onto the direction; scale so the gradient spans the frame's extent along it.
        const extent = Math.abs(dx) * width + Math.abs(dy) * height || 1;
        const stepX = dx / extent;
        for (let y = 0; y < height; y++) {
          let t = ((0 - width / 2) * dx + (y - height / 2) * dy) / extent + 0.5;
          let o = y * width * 4;
          for (let x = 0; x < width; x++) {
            const u = t < 0 ? 0 : t > 1 ? 1 : t;
            data[o] = r0 + (r1 - r0) * u + 0.5;
            data[o + 1] = g0 + (g1 - g0) * u + 0.5;
            data[o + 2] = b0 + (b1 - b0) * u + 0.5;
            data[o + 3] = 255;
            o += 4;
            t += stepX;
          }
        }
        frame.index = clock.frame;
        frame.time = clock.time;
        return frame;
      },
      dispose() {
        ctx.pool.release(frame);
      },
    };
  },
});
