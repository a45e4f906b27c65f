import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The suite leaves nothing behind. At the end of the run, anything of ours that was not there at its
 * start — temp folders (`vj-host-*`), shared-memory files (`/dev/shm/vj-host*`), child processes of the
 * run (ffmpeg, nginx, a host) — fails the run, named, and is removed so the next run starts clean.
 *
 * Two exceptions are removed without failing: the NDI runtime leaves an empty marker file in the temp
 * folder for every sender and receiver name it has seen (`NTK_SEND_<name>`, `NTK_RECV_<name>`), and
 * onnxruntime's bundled telemetry library leaves an empty `mat-debug-<pid>.log` for some processes that
 * load it; neither has an API that turns it off or removes it.
 */
const ours = /^vj-host/;
const ndiMarker = /^NTK_(SEND|RECV)_/;
const ortMarker = /^mat-debug-\d+\.log$/;
const quietlyRemoved = (name: string): boolean => ndiMarker.test(name) || ortMarker.test(name);
const places = [os.tmpdir(), '/dev/shm'];
let before = new Set<string>();

function present(): string[] {
  return places.flatMap((dir) => {
    try {
      return fs.readdirSync(dir).filter((name) => ours.test(name) || quietlyRemoved(name)).map((name) => path.join(dir, name));
    } catch {
      return [];
    }
  });
}

/** Processes whose parent is this one (the vitest main process; the workers' children outlive them as orphans otherwise). */
function children(): { pid: number; command: string }[] {
  const out = spawnSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' }).stdout ?? '';
  return out.split('\n').map((line) => line.trim().match(/^(\d+)\s+(\d+)\s+(.*)$/)).filter((m): m is RegExpMatchArray => m !== null)
    .filter((m) => /ffmpeg|nginx|dist\/host\/cli\.js|chromium|shm_probe|audio-probe|preset-writer/.test(m[3]!) && (Number(m[2]) === process.pid || Number(m[2]) === 1))
    .map((m) => ({ pid: Number(m[1]), command: m[3]!.slice(0, 120) }));
}

let childrenBefore = new Set<number>();

export function setup(): void {
  before = new Set(present());
  childrenBefore = new Set(children().map((c) => c.pid));
}

export async function teardown(): Promise<void> {
  // A child of the last test may still be on its way out (an encoder writing its trailer): give what
  // is ending a few seconds to end, looking again until it has.
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline && children().some((c) => !childrenBefore.has(c.pid))) await new Promise((r) => setTimeout(r, 100));
  const left = present().filter((p) => !before.has(p));
  const marked = left.filter((p) => quietlyRemoved(path.basename(p)));
  const stray = left.filter((p) => !marked.includes(p));
  for (const p of left) fs.rmSync(p, { recursive: true, force: true });
  const orphans = children().filter((c) => !childrenBefore.has(c.pid));
  for (const c of orphans) {
    try {
      process.kill(c.pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  const problems = [...stray.map((p) => `left behind: ${p}`), ...orphans.map((c) => `still running: ${c.pid} ${c.command}`)];
  if (problems.length) {
    // A failed run (vitest does not fail a run for an error thrown here).
    process.stderr.write(`\nthe suite left things behind (removed now):\n  ${problems.join('\n  ')}\n`);
    process.exitCode = 1;
  }
}
