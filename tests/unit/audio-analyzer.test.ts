import { describe, expect, it } from 'vitest';
import { AudioAnalyzer, AudioSignalNames, type AudioSignalName } from '../../inputs/audio/audio-analyzer.js';
import { kicks, tone } from '../helpers/audio-signals.js';

const RATE = 48000;
const BLOCK = 512;

function analyse(signal: Float32Array) {
  const a = new AudioAnalyzer({ sampleRate: RATE, blockSize: BLOCK, attackMs: 5, releaseMs: 150 });
  const beats: number[] = [];
  let bpmAt8s = 0;
  for (let start = 0; start + BLOCK <= signal.length; start += BLOCK) {
    const before = a.beats;
    const t = (start / RATE) * 1000;
    a.process(signal.subarray(start, start + BLOCK), t);
    if (a.beats > before) beats.push(a.lastBeatMs);
    if (t < 8000) bpmAt8s = a.tracker.bpm;
  }
  const value = (name: AudioSignalName) => a.values[AudioSignalNames.indexOf(name)]!;
  return { a, beats, bpmAt8s, value };
}

describe('audio analysis (generated signals)', () => {
  it('a 60 Hz tone raises the low band and not the high band', () => {
    const { value } = analyse(tone(60, 2));
    expect(value('low')).toBeGreaterThan(0.5);
    expect(value('high')).toBeLessThan(0.05);
    expect(value('band0')).toBeGreaterThan(value('band7'));
  });

  it('the spectrum shaders read: log-spaced bins, a 60 Hz tone near the left, a 6 kHz tone near the right', () => {
    const low = analyse(tone(60, 2)).a.spectrum.values;
    const high = analyse(tone(6000, 2)).a.spectrum.values;
    const loudest = (bins: Float32Array) => bins.indexOf(Math.max(...bins));
    // Bin b starts at 30 Hz x (16000 / 30)^(b / 64): 6 kHz falls in bin 54, 200 Hz in bin 19 (below
    // that a 512-sample block's 94 Hz resolution spreads a tone over several bins).
    expect(loudest(low)).toBeLessThan(19);
    expect(Math.abs(loudest(high) - 54)).toBeLessThanOrEqual(2);
    expect(Math.max(...low)).toBeGreaterThan(0.9);
    expect(low[54]!).toBeLessThan(0.05);
    expect(high[7]!).toBeLessThan(0.05);
  });

  it('a 6 kHz tone raises the high band and not the low band', () => {
    const { value } = analyse(tone(6000, 2));
    expect(value('high')).toBeGreaterThan(0.5);
    expect(value('low')).toBeLessThan(0.05);
  });

  it('kicks every 500 ms give a beat every 500 ms +- 20 ms and 120 +- 2 BPM within 8 s', () => {
    const { a, beats, bpmAt8s } = analyse(kicks(500, 12, RATE, 100));
    expect(Math.abs(bpmAt8s - 120)).toBeLessThan(2);
    expect(Math.abs(a.tracker.bpm - 120)).toBeLessThan(2);
    const steady = beats.filter((t) => t > 4000);
    expect(steady.length).toBeGreaterThanOrEqual(14);
    for (let i = 1; i < steady.length; i++) expect(Math.abs(steady[i]! - steady[i - 1]! - 500)).toBeLessThan(20);
    // Each beat sits on a kick (kicks at 100 + 500 n ms), within a block and a bit.
    for (const t of steady) {
      const offset = (((t - 100) % 500) + 500) % 500;
      expect(Math.min(offset, 500 - offset)).toBeLessThan(20);
    }
  });

  it('silence gives no beats, no onsets and zero levels', () => {
    const { a, value } = analyse(new Float32Array(RATE * 4));
    expect(a.beats).toBe(0);
    expect(a.onsets).toBe(0);
    for (const name of ['rms', 'low', 'high', 'onset', 'beat'] as const) expect(value(name)).toBe(0);
  });

  it('auto gain: a quiet room and a loud club give the same usable levels', () => {
    const quiet = analyse(tone(60, 3, RATE, 0.02)).value('low');
    const loud = analyse(tone(60, 3, RATE, 0.9)).value('low');
    expect(quiet).toBeGreaterThan(0.8);
    expect(loud).toBeGreaterThan(0.8);
  });
});
