import fs from 'node:fs';
import koffi from 'koffi';

/**
 * Native libraries (the NDI runtime among them) open sockets without close-on-exec, so a child started
 * later (ffmpeg) would inherit them and keep their ports open after the library let go — a restarted
 * NDI sender could then not take its port back, and receivers would never see the old one leave.
 * Marking every descriptor above stdio close-on-exec just before a spawn stops that: Node's own
 * descriptors are already marked, and the child's stdio is set up with dup2, which is not affected.
 */
const F_SETFD = 2;
const FD_CLOEXEC = 1;

type Fcntl = (fd: number, cmd: number, arg: number) => number;
let fcntl: Fcntl | null | undefined;

function libcFcntl(): typeof fcntl {
  if (fcntl !== undefined) return fcntl;
  try {
    const libc = koffi.load(process.platform === 'darwin' ? 'libc.dylib' : 'libc.so.6');
    fcntl = libc.func('int fcntl(int fd, int cmd, int arg)');
  } catch {
    fcntl = null;
  }
  return fcntl;
}

/** Returns how many descriptors were marked (0 where the platform has no /proc or no libc to call). */
export function markInheritedFdsCloseOnExec(): number {
  if (process.platform !== 'linux') return 0;
  const call = libcFcntl();
  if (!call) return 0;
  let names: string[];
  try {
    names = fs.readdirSync('/proc/self/fd');
  } catch {
    return 0;
  }
  let marked = 0;
  for (const name of names) {
    const fd = Number(name);
    if (fd > 2 && call(fd, F_SETFD, FD_CLOEXEC) === 0) marked++;
  }
  return marked;
}
