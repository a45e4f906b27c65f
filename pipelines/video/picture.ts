import sharp from 'sharp';
import type { DecodeSetup } from './video-input.js';

const SHARP_FIT = { fit: 'contain', fill: 'cover', stretch: 'fill' } as const;

/** A still picture (png, jpg, webp) decoded by sharp to the show size as `fit` says; bars are transparent. */
export async function decodePicture(file: string, setup: DecodeSetup): Promise<Uint8Array> {
  const buffer = await sharp(file)
    .resize(setup.size.width, setup.size.height, { fit: SHARP_FIT[setup.fit], background: { r: 0, g: 0, b: 0, alpha: 0 } })
    .ensureAlpha()
    .raw()
    .toBuffer();
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
