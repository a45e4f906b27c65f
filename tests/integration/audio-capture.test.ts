import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { kicks, tone } from '../helpers/audio-signals.js';
import { alsaHomeWith, runProbe } from '../helpers/audio-probe.js';

// The real capture path: naudiodon -> PortAudio -> ALSA's default device, which the test points at a
// raw PCM file through ALSA's "file" plugin (there is no sound card here). Everything after the device
// is the host's own code.
const homes: string[] = [];
afterAll(() => homes.forEach((h) => fs.rmSync(h, { recursive: true, force: true })));

async function capture(signal: Float32Array, seconds: number) {
  const home = alsaHomeWith(signal);
  homes.push(home);
  return (await runProbe(['capture', String(seconds)], { ...process.env, HOME: home })).report;
}

describe('audio capture through the real device path', () => {
  it('a 60 Hz tone raises the low band and not the high band', async () => {
    const r = await capture(tone(60, 3), 2);
    expect(r.started).toBe(true);
    expect(r.lowMax).toBeGreaterThan(0.5);
    expect(r.highMax).toBeLessThan(0.05);
  });

  it('a 6 kHz tone raises the high band and not the low band', async () => {
    const r = await capture(tone(6000, 3), 2);
    expect(r.highMax).toBeGreaterThan(0.5);
    expect(r.lowMax).toBeLessThan(0.05);
  });

  it('kicks every 500 ms: a beat every 500 +- 20 ms and 120 +- 2 BPM within 8 s', async () => {
    const r = await capture(kicks(500, 13, 48000, 100), 12);
    expect(Math.abs(r.bpmAt8s - 120)).toBeLessThan(2);
    const steady = r.beats.filter((t) => t > 4000);
    expect(steady.length).toBeGreaterThanOrEqual(14);
    for (let i = 1; i < steady.length; i++) expect(Math.abs(steady[i]! - steady[i - 1]! - 500)).toBeLessThan(20);
  });

  it('silence gives no beats', async () => {
    const r = await capture(new Float32Array(48000 * 5), 4);
    expect(r.started).toBe(true);
    expect(r.beats).toEqual([]);
    expect(r.onsets).toBe(0);
  });

  it('no capture device: a clear error, and the probe (like the host) carries on', async () => {
    const home = alsaHomeWith(new Float32Array(10));
    homes.push(home);
    fs.writeFileSync(`${home}/.asoundrc`, ''); // no default device defined
    const { report, stderr } = await runProbe(['capture', '1'], { ...process.env, HOME: home });
    expect(report.started).toBe(false);
    expect(stderr).toMatch(/audio: no capture device — the show runs without audio signals/);
  });
});
