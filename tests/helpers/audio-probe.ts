import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot, tempDir } from './host-process.js';
import { toS16Stereo } from './audio-signals.js';

export interface AudioReport {
  started: boolean;
  blocks: number;
  lowMax: number;
  highMax: number;
  beats: number[];
  bpmAt8s: number;
  bpm: number;
  onsets: number;
  /** The engine's spectrum (what shaders read) at the end: its loudest bin. */
  loudestBin: number;
}

/** Runs tests/fixtures/audio-probe.mjs (the host's real audio input) in its own process. */
export function runProbe(args: string[], env: NodeJS.ProcessEnv): Promise<{ report: AudioReport; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'tests', 'fixtures', 'audio-probe.mjs'), ...args], { env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('REPORT '));
      if (code !== 0 || !line) reject(new Error(`audio probe exited ${code}:\n${out}\n${err}`));
      else resolve({ report: JSON.parse(line.slice(7)) as AudioReport, stderr: err });
    });
  });
}

/**
 * A home folder whose .asoundrc makes ALSA's default capture device read `signal` from a raw PCM file
 * (ALSA's userspace "file" plugin): a real capture device on a machine with no sound card.
 */
export function alsaHomeWith(signal: Float32Array): string {
  const home = tempDir('alsa');
  const raw = path.join(home, 'input.raw');
  fs.writeFileSync(raw, toS16Stereo(signal));
  fs.writeFileSync(path.join(home, '.asoundrc'), `pcm.!default { type file  slave.pcm "null"  file "/dev/null"  infile "${raw}"  format "raw" }\n`);
  return home;
}
