import { adviseHugePages, HUGE_PAGE_BYTES } from './libc.js';

/**
 * A new, zeroed buffer of `bytes` for decoded pixels, backed by 2 MB pages where Linux has them.
 * Why: a buffer's first write faults in each of its pages, and with 4 KB pages that is ~900 faults for a
 * 720p frame. On the VMs this was measured on, each fault costs ~11 µs: filling a 300-frame 720p clip's
 * fresh buffers took 3–4.5 s in 4 KB pages and 0.11–0.13 s in 2 MB pages. Buffers under 2 MB stay
 * plain (a huge page would mostly be waste); so does everything where the kernel declines.
 * The view starts inside a slightly larger ArrayBuffer (its `byteOffset` is not 0), whose whole
 * `buffer` moves with it when transferred to another thread.
 */
export function pixelBuffer(bytes: number): Uint8Array {
  if (bytes < HUGE_PAGE_BYTES) return new Uint8Array(bytes);
  // Room for the 2 MB boundary and for the last huge page's whole 2 MB.
  const backing = new ArrayBuffer(Math.ceil(bytes / HUGE_PAGE_BYTES) * HUGE_PAGE_BYTES + HUGE_PAGE_BYTES);
  const offset = adviseHugePages(backing, bytes);
  return offset === null ? new Uint8Array(bytes) : new Uint8Array(backing, offset, bytes);
}
