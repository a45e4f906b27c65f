import { createRequire } from 'node:module';
import { AudioAnalyzer, AudioSignalNames } from '../inputs/audio/audio-analyzer.js';
import { higherIsBetter, info, lowerIsBetter, median, percentile, type Bench } from './result.js';

const RATE = 48000;
const BLOCK = 512;
const BLOCK_MS = (BLOCK / RATE) * 1000;

/** Kicks every 500 ms over noise and a bass line: something with spectrum everywhere. */
function music(seconds: number): Float32Array {
  const out = new Float32Array(seconds * RATE);
  let seed = 1;
  for (let i = 0; i < out.length; i++) {
    seed = (seed * 16807) % 2147483647;
    const t = i / RATE;
    const sinceKick = t % 0.5;
    const kick = sinceKick < 0.15 ? 0.8 * Math.sin(2 * Math.PI * (55 + 110 * Math.exp(-sinceKick * 40)) * sinceKick) * Math.exp(-sinceKick * 25) : 0;
    out[i] = kick + 0.1 * Math.sin(2 * Math.PI * 110 * t) + 0.05 * ((seed / 2147483647) * 2 - 1);
  }
  return out;
}

export const audioBench: Bench = {
  name: 'audio',
  description: 'Audio analysis cost per 512-sample block at 48 kHz (vs meyda alone), and kick -> onset/beat signal latency.',
  run() {
    const signal = music(30);
    const blocks = Math.floor(signal.length / BLOCK);
    const analyzer = new AudioAnalyzer({ sampleRate: RATE, blockSize: BLOCK, attackMs: 5, releaseMs: 150 });
    const meyda = createRequire(import.meta.url)('meyda') as { bufferSize: number; sampleRate: number; extract(f: string[], s: Float32Array): unknown };
    const ours: number[] = [];
    const bare: number[] = [];
    const onsetIndex = AudioSignalNames.indexOf('onset');
    const beatIndex = AudioSignalNames.indexOf('beat');
    const onsetLatency: number[] = [];
    const beatLatency: number[] = [];
    let lastOnset = 0;
    let lastBeat = 0;
    for (let b = 0; b < blocks; b++) {
      const block = signal.subarray(b * BLOCK, (b + 1) * BLOCK);
      const timeMs = b * BLOCK_MS;
      let t = performance.now();
      analyzer.process(block, timeMs);
      ours.push(performance.now() - t);
      meyda.bufferSize = BLOCK;
      meyda.sampleRate = RATE;
      t = performance.now();
      meyda.extract(['rms', 'loudness', 'spectralCentroid', 'amplitudeSpectrum'], block);
      bare.push(performance.now() - t);
      // Latency: from the kick (every 500 ms) to the end of the block whose analysis raised the signal.
      const end = timeMs + BLOCK_MS;
      const kickAt = Math.floor(end / 500) * 500;
      const onset = analyzer.values[onsetIndex]!;
      const beat = analyzer.values[beatIndex]!;
      if (timeMs > 3000 && onset > lastOnset && onset > 0.5) onsetLatency.push(end - kickAt);
      if (timeMs > 6000 && beat > lastBeat && beat > 0.5) beatLatency.push(end - kickAt);
      lastOnset = onset;
      lastBeat = beat;
    }
    const share = (median(ours) / BLOCK_MS) * 100;
    const sortedBeat = [...beatLatency].sort((a, b) => a - b);
    const sortedOnset = [...onsetLatency].sort((a, b) => a - b);
    return Promise.resolve({
      metrics: [
        lowerIsBetter('analysis per block as share of real time (median)', share, '% of one core', 1),
        info('analysis per block, p99', percentile([...ours].sort((a, b) => a - b), 0.99) * 1000, 'µs'),
        info('meyda alone per block as share of real time (median)', (median(bare) / BLOCK_MS) * 100, '% of one core'),
        info('our analysis / meyda alone', median(ours) / median(bare), 'ratio'),
        lowerIsBetter('kick -> onset signal, p99', percentile(sortedOnset, 0.99), 'ms', 20 + BLOCK_MS),
        lowerIsBetter('kick -> beat signal, p99', percentile(sortedBeat, 0.99), 'ms', 20 + BLOCK_MS),
        info('kick -> beat signal, median', percentile(sortedBeat, 0.5), 'ms'),
        higherIsBetter('beats found (of kicks after 6 s)', beatLatency.length / ((30 - 6) * 2), 'ratio', 0.95),
        info('tempo found', analyzer.tracker.bpm, 'BPM', 'higher'),
      ],
    });
  },
};
