import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliPath, HOST_START_MS, uniqueShmName, writeJson } from '../helpers/host-process.js';
import { until } from '../helpers/until.js';

// A real terminal for the host: `script` gives it a pseudo-terminal, so the host sees a TTY (raw-mode
// keys, live status line) exactly as in a VJ's shell.
describe('keyboard in the terminal', () => {
  it('space taps the tempo (four taps 400 ms apart: their tempo, about 150 BPM instead of the default 120, on the status line) and q quits cleanly', async () => {
    const shmName = uniqueShmName('keys');
    const presets = fs.mkdtempSync(path.join(os.tmpdir(), 'vj-host-test-presets-'));
    // A show without the default show's model: the keys are under test, and a model busy on one of the
    // machine's two cores would only make the moment a key is read later.
    const show = writeJson(presets, 'keys-show.json', { decks: [{ id: 'a', source: { pipeline: 'test-pattern' } }] });
    const command = [process.execPath, cliPath, '--show', show, '--shm-name', shmName, '--size', '160x90', '--osc-port', '0', '--oscquery-port', '0', '--ui-port', '0', '--presets', presets].join(' ');
    const child = spawn('script', ['-qefc', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await until(() => /keys: space tap/.test(out), HOST_START_MS, 'the key help');
      // Keys are timed as they arrive, by the host's clock: this is the one place the taps' own
      // rhythm has to be real time (an OSC sender can stamp its taps instead; see the OSC tests).
      // The tempo expected is the one the taps were written at (a busy machine makes the test's timers
      // late); the host's reading of a key can lag a little more, hence the tolerance.
      // Not the show's own 120, so a tap that did nothing cannot pass.
      const sent: number[] = [];
      for (let i = 0; i < 4; i++) {
        sent.push(performance.now());
        child.stdin.write(' ');
        if (i < 3) await new Promise((r) => setTimeout(r, 400));
      }
      const intervals = sent.slice(1).map((t, i) => t - sent[i]!).sort((a, b) => a - b);
      const tapped = 60_000 / intervals[1]!;
      expect(Math.abs(tapped - 120)).toBeGreaterThan(8); // the taps' tempo is not the one the show had
      const lastBpm = (): number => Number(/([\d.]+) bpm/.exec(out.split(/\r|\n/).filter((l) => l.includes(' bpm')).at(-1) ?? '')?.[1] ?? NaN);
      await until(() => Math.abs(lastBpm() - tapped) < 4, 5000, `about ${tapped.toFixed(1)} BPM on the status line`);
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
