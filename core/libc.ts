import fs from 'node:fs';
import koffi from 'koffi';

/**
 * The few libc calls Node has no API for, through FFI: close-on-exec marking, named pipes and their
 * buffer size, huge pages for pixel buffers. Each returns a "could not" value where the platform has no such call (Windows).
 */
const F_SETFD = 2;
const FD_CLOEXEC = 1;
const F_SETPIPE_SZ = 1031;
const MADV_HUGEPAGE = 14;
export const HUGE_PAGE_BYTES = 2 * 1024 * 1024;

interface Libc {
  fcntl(fd: number, cmd: number, arg: number): number;
  mkfifo(path: string, mode: number): number;
  dup(fd: number): number;
  dup2(from: number, to: number): number;
  close(fd: number): number;
  fflush(stream: null): number;
  madvise(address: bigint, length: number, advice: number): number;
}

let libc: Libc | null | undefined;

function load(): Libc | null {
  if (libc !== undefined) return libc;
  if (process.platform === 'win32') return (libc = null);
  try {
    const lib = koffi.load(process.platform === 'darwin' ? 'libc.dylib' : 'libc.so.6');
    libc = {
      fcntl: lib.func('int fcntl(int fd, int cmd, int arg)') as unknown as Libc['fcntl'],
      mkfifo: lib.func('int mkfifo(const char *path, uint32_t mode)') as unknown as Libc['mkfifo'],
      dup: lib.func('int dup(int fd)') as unknown as Libc['dup'],
      dup2: lib.func('int dup2(int from, int to)') as unknown as Libc['dup2'],
      close: lib.func('int close(int fd)') as unknown as Libc['close'],
      fflush: lib.func('int fflush(void *stream)') as unknown as Libc['fflush'],
      madvise: lib.func('int madvise(uintptr_t address, size_t length, int advice)') as unknown as Libc['madvise'],
    };
  } catch {
    libc = null;
  }
  return libc;
}

/**
 * Native libraries (the NDI runtime among them) open sockets without close-on-exec, so a child started
 * later (ffmpeg) would inherit them and keep their ports open after the library let go — a restarted
 * NDI sender could then not take its port back, and receivers would never see the old one leave.
 * Marking every descriptor above stdio close-on-exec just before a spawn stops that: Node's own
 * descriptors are already marked, and the child's stdio is set up with dup2, which is not affected.
 * Returns how many were marked (0 where there is no /proc or no libc to call).
 */
export function markInheritedFdsCloseOnExec(): number {
  if (process.platform !== 'linux') return 0;
  const c = load();
  if (!c) return 0;
  let names: string[];
  try {
    names = fs.readdirSync('/proc/self/fd');
  } catch {
    return 0;
  }
  let marked = 0;
  for (const name of names) {
    const fd = Number(name);
    if (fd > 2 && c.fcntl(fd, F_SETFD, FD_CLOEXEC) === 0) marked++;
  }
  return marked;
}

/** Creates a named pipe; false where the platform cannot. */
export function makeFifo(path: string): boolean {
  const c = load();
  return !!c && c.mkfifo(path, 0o600) === 0;
}

/** Asks for a larger pipe buffer (Linux); returns the size granted, or 0. */
export function growPipe(fd: number, bytes: number): number {
  if (process.platform !== 'linux') return 0;
  const c = load();
  if (!c) return 0;
  const size = c.fcntl(fd, F_SETPIPE_SZ, bytes);
  return size > 0 ? size : 0;
}

/**
 * Asks Linux to back `length` bytes of `buffer` with 2 MB pages (transparent huge pages on request),
 * starting at the first 2 MB boundary inside it; returns that offset, or null where it cannot (another
 * platform, no room after the boundary, or the kernel said no). The buffer must not have been written yet.
 */
export function adviseHugePages(buffer: ArrayBuffer, length: number): number | null {
  if (process.platform !== 'linux') return null;
  const c = load();
  if (!c) return null;
  const address = BigInt(koffi.address(buffer));
  const page = BigInt(HUGE_PAGE_BYTES);
  const offset = Number((page - (address % page)) % page);
  const span = Math.ceil(length / HUGE_PAGE_BYTES) * HUGE_PAGE_BYTES;
  if (offset + span > buffer.byteLength) return null;
  return c.madvise(address + BigInt(offset), span, MADV_HUGEPAGE) === 0 ? offset : null;
}

/**
 * Runs a call into a native library with its stdout and stderr sent to /dev/null: ALSA, PortAudio,
 * RtMidi and naudiodon print dozens of lines of their own on a machine without a sound card, before
 * the host has said a word. The host reports what matters in one line of its own instead. Only for
 * synchronous calls (nothing of Node's is written meanwhile); C's buffers are flushed before the
 * descriptors come back, so nothing leaks out later.
 */
export function quietNative<T>(call: () => T): T {
  const c = load();
  if (!c || process.env.VJ_HOST_NATIVE_NOISE === '1') return call();
  const saved = [c.dup(1), c.dup(2)];
  let devNull = -1;
  try {
    devNull = fs.openSync('/dev/null', 'w');
  } catch {
    // no /dev/null: nothing to silence with
  }
  if (saved.some((fd) => fd < 0) || devNull < 0) {
    for (const fd of saved) if (fd >= 0) c.close(fd);
    return call();
  }
  c.dup2(devNull, 1);
  c.dup2(devNull, 2);
  try {
    return call();
  } finally {
    c.fflush(null);
    c.dup2(saved[0]!, 1);
    c.dup2(saved[1]!, 2);
    for (const fd of saved) c.close(fd);
    fs.closeSync(devNull);
  }
}
