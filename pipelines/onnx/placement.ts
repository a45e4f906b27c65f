import type { FitMode } from './manifest.js';

/**
 * Where the frame sits in the model's picture: tensor x = frame x * scaleX + offsetX (pixel edges), the
 * same for y. stretch fills the tensor exactly; fit keeps the aspect and letterboxes; fill keeps the
 * aspect and crops.
 */
export interface Placement {
  scaleX: number;
  scaleY: number;
  offsetX: number;
  offsetY: number;
}

export function placement(fit: FitMode | undefined, frameW: number, frameH: number, w: number, h: number): Placement {
  if (!fit || fit === 'stretch') return { scaleX: w / frameW, scaleY: h / frameH, offsetX: 0, offsetY: 0 };
  const s = fit === 'fit' ? Math.min(w / frameW, h / frameH) : Math.max(w / frameW, h / frameH);
  return { scaleX: s, scaleY: s, offsetX: (w - frameW * s) / 2, offsetY: (h - frameH * s) / 2 };
}

/** The mapping from the tensor back to the frame (the inverse placement). */
export function inverse(p: Placement): Placement {
  return { scaleX: 1 / p.scaleX, scaleY: 1 / p.scaleY, offsetX: -p.offsetX / p.scaleX, offsetY: -p.offsetY / p.scaleY };
}

/** The same placement for a tensor `factor` times larger (a super-resolution model's output). */
export function scaled(p: Placement, factorX: number, factorY: number): Placement {
  return { scaleX: p.scaleX * factorX, scaleY: p.scaleY * factorY, offsetX: p.offsetX * factorX, offsetY: p.offsetY * factorY };
}
