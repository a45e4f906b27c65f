import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RUN_TEMP_PREFIX, runTag, TEST_SHM_PREFIX } from './test-run.js';

/**
 * The suite leaves nothing behind. At the end of the run, anything of ours that was not there at its
 * start — temp files, shared-memory files (`/dev/shm/vj-host*`), child processes of the run (ffmpeg,
 * nginx, a host, a browser) — fails the run, named, and is removed so the next run starts clean.
 *
 * The run has a temp folder of its own (TMPDIR, which every test, host, ffmpeg and browser of the run
 * inherits); its processes are known by that TMPDIR in their environment, and the shm files its tests
 * name carry its tag: so a second run beside this one (another checkout's suite on the same machine) is
 * neither blamed nor cleaned up by it.
 *
 * Two exceptions are removed without failing: the NDI runtime leaves an empty marker file in the temp
 * folder for every sender and receiver name it has seen (`NTK_SEND_<name>`, `NTK_RECV_<name>`), and
 * onnxruntime's bundled telemetry library leaves an empty `mat-debug-<pid>.log` for some processes that
 * load it, and a `.ses` (a time and a session id); neither has an API that turns it off or removes it.
 */
const ours = /^vj-host/;
const ndiMarker = /^NTK_(SEND|RECV)_/;
const ortMarker = /^(mat-debug-\d+\.log|\.ses)$/;
const quietlyRemoved = (name: string): boolean => ndiMarker.test(name) || ortMarker.test(name);
/** The machine's temp folder, where this run's own folder is made (and where the NDI runtime writes its markers whatever TMPDIR says). */
const machineTemp = os.tmpdir();
let runTemp = '';
let before = new Set<string>();

/** Whether a name of ours is not another run's: that run's temp folder, or a test's shm file tagged with that run. */
function notOtherRuns(name: string): boolean {
  if (name.startsWith(RUN_TEMP_PREFIX)) return false;
  return !name.startsWith(TEST_SHM_PREFIX) || name.startsWith(`${TEST_SHM_PREFIX}${runTag(runTemp)}-`);
}

/** What of ours is in the machine's temp folder and /dev/shm. */
function present(): string[] {
  return [machineTemp, '/dev/shm'].flatMap((dir) => {
    try {
      return fs.readdirSync(dir).filter((name) => (ours.test(name) && notOtherRuns(name)) || quietlyRemoved(name)).map((name) => path.join(dir, name));
    } catch {
      return [];
    }
  });
}

/** What is left in this run's temp folder. */
function leftInRunTemp(): string[] {
  try {
    return fs.readdirSync(runTemp).map((name) => path.join(runTemp, name));
  } catch {
    return [];
  }
}

/** Whether a process belongs to this run: it inherited the run's TMPDIR. */
function ofThisRun(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`TMPDIR=${runTemp}`);
  } catch {
    return false; // gone, or another user's
  }
}

/** This run's processes of the kinds the tests start (a child that outlives its test runs on as an orphan). */
function children(): { pid: number; command: string }[] {
  const out = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).stdout ?? '';
  return out.split('\n').map((line) => line.trim().match(/^(\d+)\s+(.*)$/)).filter((m): m is RegExpMatchArray => m !== null)
    .filter((m) => /ffmpeg|nginx|dist\/host\/cli\.js|chromium|shm_probe|audio-probe|preset-writer/.test(m[2]!) && Number(m[1]) !== process.pid && ofThisRun(Number(m[1])))
    .map((m) => ({ pid: Number(m[1]), command: m[2]!.slice(0, 120) }));
}

export function setup(): void {
  runTemp = fs.mkdtempSync(path.join(machineTemp, RUN_TEMP_PREFIX));
  process.env.TMPDIR = runTemp;
  before = new Set(present());
}

export async function teardown(): Promise<void> {
  // A child of the last test may still be on its way out (an encoder writing its trailer): give what
  // is ending a few seconds to end, looking again until it has.
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline && children().length > 0) await new Promise((r) => setTimeout(r, 100));
  const left = [...present().filter((p) => !before.has(p)), ...leftInRunTemp()];
  const marked = left.filter((p) => quietlyRemoved(path.basename(p)));
  const stray = left.filter((p) => !marked.includes(p));
  for (const p of left) fs.rmSync(p, { recursive: true, force: true });
  fs.rmSync(runTemp, { recursive: true, force: true });
  const orphans = children();
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
