import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeFifoFolder } from '../../core/fifo-folder.js';
import { repoRoot } from '../helpers/host-process.js';

const moduleUrl = new URL(`file://${path.join(repoRoot, 'dist', 'core', 'fifo-folder.js')}`).href;

/** Runs a short Node program that uses the folder module, as a host process would; returns its stdout. */
function runNode(code: string): string {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', `import { makeFifoFolder } from ${JSON.stringify(moduleUrl)};\n${code}`], { encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout.trim();
}

describe('the named-pipe folders', () => {
  it('makes a named pipe in a folder named for this process, and removes it', () => {
    const folder = makeFifoFolder('frames.rgba')!;
    expect(path.basename(path.dirname(folder.fifo))).toMatch(new RegExp(`^vj-host-frames-${process.pid}-`));
    expect(fs.statSync(folder.fifo).isFIFO()).toBe(true);
    folder.remove();
    expect(fs.existsSync(path.dirname(folder.fifo))).toBe(false);
    folder.remove(); // twice is harmless
  });

  it('a process that ends without removing its folder leaves nothing behind', () => {
    const fifo = runNode(`const f = makeFifoFolder('decoded.rgba'); console.log(f.fifo); process.exit(0);`);
    expect(fifo).toMatch(/vj-host-frames-\d+-/);
    expect(fs.existsSync(path.dirname(fifo))).toBe(false);
  });

  it("a killed process's folder is removed by the next process that makes one; a live process's is kept", () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    const stale = fs.mkdtempSync(path.join(os.tmpdir(), `vj-host-frames-${dead}-`));
    const alive = fs.mkdtempSync(path.join(os.tmpdir(), `vj-host-frames-${process.pid}-`));
    try {
      runNode(`makeFifoFolder('frames.rgba').remove();`);
      expect(fs.existsSync(stale)).toBe(false);
      expect(fs.existsSync(alive)).toBe(true);
    } finally {
      fs.rmSync(stale, { recursive: true, force: true });
      fs.rmSync(alive, { recursive: true, force: true });
    }
  });
});
