import { parseHexColor } from '../../core/color.js';
import { Param } from '../../core/params.js';
import { definePipeline } from '../contract.js';

const params = Param.object({
  color: Param.color({ default: '#000000', label: 'Colour' }),
  opacity: Param.number({ default: 1, min: 0, max: 1, unit: 'normalized', label: 'Opacity' }),
});

/** One colour over the whole frame; repainted only when the colour changes. */
export const solid = definePipeline({
  id: 'solid',
  name: 'Solid colour',
  kind: 'generator',
  params,
  create(ctx) {
    const frame = ctx.pool.acquire(ctx.width, ctx.height);
    const words = new Uint32Array(frame.data.buffer, frame.data.byteOffset, ctx.width * ctx.height);
    // What is on the frame now: repainted (and the colour parsed) only when the colour or opacity changes.
    let paintedColor = '';
    let paintedOpacity = -1;
    return {
      process(_input, p, clock) {
        if (p.color !== paintedColor || p.opacity !== paintedOpacity) {
          const [r, g, b] = parseHexColor(p.color);
          const a = Math.round(p.opacity * 255);
          // RGBA bytes as one little-endian word.
          words.fill(((a << 24) | (b << 16) | (g << 8) | r) >>> 0);
          paintedColor = p.color;
          paintedOpacity = p.opacity;
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
