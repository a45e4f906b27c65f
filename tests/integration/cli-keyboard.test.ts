import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliPath, uniqueShmName } from '../helpers/host-process.js';

// A real terminal for the host: `script` gives it a pseudo-terminal, so the host sees a TTY (raw-mode
// keys, live status line) exactly as in a VJ's shell.
describe('keyboard in the terminal', () => {
  it('space taps the tempo (four taps 500 ms apart: 120 BPM on the status line) and q quits cleanly', async () => {
    const shmName = uniqueShmName('keys');
    const presets = fs.mkdtempSync(path.join(os.tmpdir(), 'vj-host-test-presets-'));
    const command = [process.execPath, cliPath, '--shm-name', shmName, '--size', '160x90', '--osc-port', '0', '--oscquery-port', '0', '--ui-port', '0', '--presets', presets].join(' ');
    const child = spawn('script', ['-qefc', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      const deadline = Date.now() + 15_000;
      while (!/keys: space tap/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(out).toMatch(/keys: space tap/);
      for (let i = 0; i < 4; i++) {
        child.stdin.write(' ');
        await new Promise((r) => setTimeout(r, 500));
      }
      await new Promise((r) => setTimeout(r, 1300)); // the status line refreshes every second
      const statuses = out.split(/\r|\n/).filter((l) => l.includes(' bpm'));
      expect(statuses.at(-1)).toMatch(/1(19\.\d|20\.\d) bpm/);
      child.stdin.write('q');
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(0);
    } finally {
      child.kill('SIGKILL');
      fs.rmSync(path.join('/dev/shm', shmName), { force: true });
      fs.rmSync(presets, { recursive: true, force: true });
    }
  }, 30_000);
});
