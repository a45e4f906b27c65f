import { describe, expect, it } from 'vitest';
import { createFrame } from '../../core/frame.js';
import { drawFrameCode, readFrameCode } from '../../core/frame-code.js';
import { noiseFrame } from '../helpers/frames.js';

describe('frame index drawn in pixels', () => {
  it.each([
    [1280, 720],
    [1920, 1080],
    [320, 180],
    [97, 61],
  ])('reads back what was drawn at %ix%i', (width, height) => {
    const frame = createFrame(width, height);
    for (const index of [0, 1, 2, 12345, 2 ** 31 + 7, 2 ** 32 - 1]) {
      drawFrameCode(frame.data, width, height, index);
      expect(readFrameCode(frame.data, width, height)).toBe(index);
    }
  });

  it('survives heavy noise (lossy codecs) around the blocks', () => {
    const frame = noiseFrame(640, 360, 9);
    drawFrameCode(frame.data, 640, 360, 987654);
    // +-60 levels of noise on every byte: the block means still sit far from the threshold.
    const noisy = noiseFrame(640, 360, 4);
    for (let i = 0; i < frame.data.length; i++) {
      frame.data[i] = Math.max(0, Math.min(255, frame.data[i]! + ((noisy.data[i]! % 121) - 60)));
    }
    expect(readFrameCode(frame.data, 640, 360)).toBe(987654);
  });

  it('reads through a row stride wider than the picture (padded buffers)', () => {
    const width = 100;
    const height = 50;
    const stride = 128 * 4;
    const frame = createFrame(width, height);
    drawFrameCode(frame.data, width, height, 4242);
    const padded = new Uint8Array(stride * height);
    for (let y = 0; y < height; y++) padded.set(frame.data.subarray(y * width * 4, (y + 1) * width * 4), y * stride);
    expect(readFrameCode(padded, width, height, stride)).toBe(4242);
  });

  it('says "no code" for a picture without one', () => {
    const frame = noiseFrame(320, 180, 3);
    expect(readFrameCode(createFrame(320, 180).data, 320, 180)).toBeNull();
    const blank = createFrame(320, 180);
    blank.data.fill(255);
    expect(readFrameCode(blank.data, 320, 180)).toBeNull();
    expect(readFrameCode(frame.data, 320, 180)).toBeNull();
  });
});
