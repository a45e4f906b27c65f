import { createFrame, type Frame } from '../core/frame.js';

/** What the output benches share: the case (720p30), how long each part runs, and a frame to send. */
export const W = 1280;
export const H = 720;
export const FPS = 30;
export const SECONDS = Number(process.env.BENCH_OUTPUT_SECONDS ?? 8);
/** Two x264 encoders beside the feedback show on two cores: the fastest preset (the default "veryfast" needs more cores). */
export const PRESET_ALL = 'ultrafast';
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function codedFrame(width: number, height: number): Frame {
  const frame = createFrame(width, height);
  for (let i = 0; i < frame.data.length; i += 4) {
    const p = i >> 2;
    frame.data[i] = (p * 7) & 255;
    frame.data[i + 1] = (p >> 5) & 255;
    frame.data[i + 2] = 128;
    frame.data[i + 3] = 255;
  }
  return frame;
}

