import os from 'node:os';
import path from 'node:path';
import type { MediaOptions } from '../contract.js';

/** Clips up to this much decoded video are kept in memory by default (frame-exact scrub, reverse and beat sync at no decode cost). */
export const CLIP_CACHE_MB = 256;

/** Where clips live when the show does not say (the user's data folder), the cache size, and hardware decoding asked for. */
export function defaultMediaOptions(): MediaOptions {
  const base = process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return { dir: path.join(base, 'vj-host', 'media'), clipCacheBytes: CLIP_CACHE_MB * 1024 * 1024, hwDecode: true };
}
