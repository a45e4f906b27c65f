import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { processAlive } from './atomic-file.js';
import { makeFifo } from './libc.js';

/**
 * A temp folder holding one named pipe to or from ffmpeg. Its name carries this process's id, so a
 * later host can tell a killed one's leftovers (a SIGKILL removes nothing) from a running one's and
 * remove them. Folders still here when the process exits are removed then: a reader or pipe whose
 * owner never stopped it leaves nothing behind.
 */
export interface FifoFolder {
  /** The named pipe's path. */
  readonly fifo: string;
  /** Removes the folder and its pipe, now (a folder with one pipe in it: microseconds). */
  remove(): void;
}

const FOLDER = /^vj-host-frames-(\d+)-/;
const live = new Set<string>();
let tidied = false;

function removeNow(dir: string): void {
  live.delete(dir);
  try {
    fs.rmSync(dir, { recursive: true, force: true });
  } catch {
    // already gone, or the temp folder went away: nothing left to remove
  }
}

/** The folders of processes that are gone: removed once per process, before its first folder. */
function removeStale(): void {
  if (tidied) return;
  tidied = true;
  process.once('exit', () => [...live].forEach(removeNow));
  try {
    for (const name of fs.readdirSync(os.tmpdir())) {
      const pid = FOLDER.exec(name)?.[1];
      if (pid && Number(pid) !== process.pid && !processAlive(Number(pid))) removeNow(path.join(os.tmpdir(), name));
    }
  } catch {
    // an unreadable temp folder: nothing to tidy
  }
}

/** A new folder with a named pipe called `name` in it; null where the platform has no named pipes. */
export function makeFifoFolder(name: string): FifoFolder | null {
  if (process.platform === 'win32') return null;
  removeStale();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `vj-host-frames-${process.pid}-`));
  const fifo = path.join(dir, name);
  if (!makeFifo(fifo)) {
    removeNow(dir);
    return null;
  }
  live.add(dir);
  return { fifo, remove: () => removeNow(dir) };
}
