import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kicks, tone, toWav } from '../helpers/audio-signals.js';
import { runProbe } from '../helpers/audio-probe.js';
import { tempDir } from '../helpers/host-process.js';

// The file source: ffmpeg decodes a generated WAV, the host plays it in real time into the analysis.
const dir = tempDir('audio-file');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function wav(name: string, signal: Float32Array): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, toWav(signal));
  return file;
}

describe.concurrent('audio file source through ffmpeg', () => {
  it('60 Hz raises the low band, 6 kHz the high band', async () => {
    const [low, high] = await Promise.all([
      runProbe(['file', '1.5', wav('60hz.wav', tone(60, 2))], process.env),
      runProbe(['file', '1.5', wav('6khz.wav', tone(6000, 2))], process.env),
    ]);
    expect(low.report.lowMax).toBeGreaterThan(0.5);
    expect(low.report.highMax).toBeLessThan(0.05);
    expect(high.report.highMax).toBeGreaterThan(0.5);
    expect(high.report.lowMax).toBeLessThan(0.05);
    // The spectrum shaders read, in the engine: 6 kHz in bin 54 of 64, 60 Hz below bin 19 (200 Hz).
    expect(Math.abs(high.report.loudestBin - 54)).toBeLessThanOrEqual(2);
    expect(low.report.loudestBin).toBeLessThan(19);
    expect(low.report.loudestBin).toBeGreaterThanOrEqual(0);
  });

  it('kicks every 500 ms (looped file): beats every 500 +- 20 ms, 120 +- 2 BPM within 8 s', async () => {
    const { report } = await runProbe(['file', '10', wav('kicks.wav', kicks(500, 4, 48000, 100))], process.env);
    expect(Math.abs(report.bpmAt8s - 120)).toBeLessThan(2);
    const steady = report.beats.filter((t) => t > 4000);
    expect(steady.length).toBeGreaterThanOrEqual(10);
    for (let i = 1; i < steady.length; i++) expect(Math.abs(steady[i]! - steady[i - 1]! - 500)).toBeLessThan(20);
  });

  it('silence gives no beats', async () => {
    const { report } = await runProbe(['file', '3', wav('silence.wav', new Float32Array(48000 * 3))], process.env);
    expect(report.beats).toEqual([]);
  });

  it('ffmpeg missing or a file that is not audio: a clear error naming it', async () => {
    const noFfmpeg = await runProbe(['file', '1', wav('x.wav', tone(60, 1))], { ...process.env, PATH: '/nonexistent' });
    expect(noFfmpeg.report.started).toBe(false);
    expect(noFfmpeg.stderr).toMatch(/ffmpeg is not installed/);
    const notAudio = path.join(dir, 'notes.wav');
    fs.writeFileSync(notAudio, 'this is not a wav file');
    const bad = await runProbe(['file', '1', notAudio], process.env);
    expect(bad.report.started).toBe(false);
    expect(bad.stderr).toMatch(/ffmpeg could not decode .*notes\.wav/);
  });
});
