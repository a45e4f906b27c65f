import fs from 'node:fs';
import koffi from 'koffi';

/**
 * The few libc calls Node has no API for, through FFI: close-on-exec marking, named pipes and their
 * buffer size. Each returns a "could not" value where the platform has no such call (Windows).
 */
const F_SETFD = 2;
const FD_CLOEXEC = 1;
const F_SETPIPE_SZ = 1031;

interface Libc {
  fcntl(fd: number, cmd: number, arg: number): number;
  mkfifo(path: string, mode: number): number;
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
