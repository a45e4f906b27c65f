import fs from 'node:fs';
import path from 'node:path';

/** The temp file a write goes through: beside the target, named for this process (see removeStaleTemps). */
function tempFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
}

/**
 * Replaces a file so that a crash at any instant leaves either the old or the new content, whole:
 * write a temp file beside it, fsync it, rename over the target, fsync the folder (so the rename
 * itself survives a power cut). Off the calling thread: an fsync can take a disk's whole flush time,
 * and the frame loop must not wait for it.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const temp = tempFor(file);
  try {
    const handle = await fs.promises.open(temp, 'w', 0o644);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(temp, file);
  } catch (error) {
    await fs.promises.rm(temp, { force: true });
    throw error;
  }
  const dir = await fs.promises.open(path.dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/** The same, on the calling thread: only for the last write of a process that is about to exit. */
export function writeFileAtomicSync(file: string, data: string | Uint8Array): void {
  const temp = tempFor(file);
  try {
    const fd = fs.openSync(temp, 'w', 0o644);
    try {
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
}

const TEMP = /^\..+\.(\d+)\.[a-z0-9]+\.tmp$/;

/**
 * Removes the temp files writeFileAtomic left in `dir` when a process was killed mid-write or a disk
 * filled: those of processes no longer running (a live host sharing the folder keeps its own). Returns
 * how many went.
 */
export function removeStaleTemps(dir: string): number {
  let removed = 0;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const pid = TEMP.exec(entry.name)?.[1];
    if (!pid || !entry.isFile() || processAlive(Number(pid))) continue;
    fs.rmSync(path.join(dir, entry.name), { force: true });
    removed++;
  }
  return removed;
}

/** Whether a process of that id runs (one of another user's counts). */
export function processAlive(pid: number): boolean {
  if (!pid || pid === process.pid) return false; // 0 would signal our own process group // ours from before a restart in the same pid namespace cannot be in flight yet
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
