import os from 'node:os';
import path from 'node:path';
import type { MediaOptions } from '../contract.js';
import { decodedFrameBytes } from './video-input.js';

const MB = 1024 * 1024;

/** Clips up to this much decoded video are kept in memory by default (frame-exact scrub, reverse and beat sync at no decode cost). */
export const CLIP_CACHE_MB = 256;

/** Where clips live when the show does not say (the user's data folder), the cache size, and hardware decoding asked for. */
export function defaultMediaOptions(): MediaOptions {
  const base = process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return { dir: path.join(base, 'vj-host', 'media'), clipCacheBytes: clipCacheBytes(CLIP_CACHE_MB), hwDecode: true };
}

/** `media.clipCacheMB` in bytes. */
export function clipCacheBytes(mb: number): number {
  return mb * MB;
}

/** How many whole decoded frames of `size` the clip cache holds. */
export function framesInCache(cacheBytes: number, size: { width: number; height: number }): number {
  return Math.floor(cacheBytes / decodedFrameBytes(size));
}

/** The smallest `media.clipCacheMB` that holds `frames` decoded frames of `size`. */
export function clipCacheMBFor(frames: number, size: { width: number; height: number }): number {
  return Math.ceil((frames * decodedFrameBytes(size)) / MB);
}
