import { SPECTRUM_BINS } from '../../core/limits.js';

const LOWEST_HZ = 30;
const HIGHEST_HZ = 16000;
/** Below this the spectrum is silence, not something to scale up. */
const FLOOR = 1e-3;

/**
 * The amplitude spectrum folded into SPECTRUM_BINS log-spaced bins (30 Hz to 16 kHz, or the Nyquist
 * frequency), each followed with the analyser's attack and release and scaled by the loudest bin's
 * rolling peak, so 0..1 whatever the input's level: what a shader reads as `spectrum(x)`.
 */
export class LogSpectrum {
  readonly values = new Float32Array(SPECTRUM_BINS);
  private readonly followed = new Float64Array(SPECTRUM_BINS);
  private readonly edges: Int32Array;
  private peak = FLOOR;

  constructor(
    sampleRate: number,
    private readonly blockSize: number,
    private readonly attack: number,
    private readonly release: number,
    private readonly peakDecay: number,
  ) {
    const binHz = sampleRate / blockSize;
    const top = Math.min(HIGHEST_HZ, sampleRate / 2);
    this.edges = new Int32Array(SPECTRUM_BINS + 1);
    for (let i = 0; i <= SPECTRUM_BINS; i++) this.edges[i] = Math.floor((LOWEST_HZ * Math.pow(top / LOWEST_HZ, i / SPECTRUM_BINS)) / binHz);
  }

  update(spectrum: Float32Array): void {
    let loudest = 0;
    for (let b = 0; b < SPECTRUM_BINS; b++) {
      const a = this.edges[b]!;
      const z = Math.max(a + 1, this.edges[b + 1]!);
      let e = 0;
      for (let i = a; i < z && i < spectrum.length; i++) e += spectrum[i]! * spectrum[i]!;
      const x = Math.sqrt(e / (z - a)) / this.blockSize;
      const y = this.followed[b]!;
      this.followed[b] = y + (x - y) * (x > y ? this.attack : this.release);
      loudest = Math.max(loudest, this.followed[b]!);
    }
    this.peak = Math.max(loudest, this.peak * this.peakDecay, FLOOR);
    for (let b = 0; b < SPECTRUM_BINS; b++) this.values[b] = Math.min(1, this.followed[b]! / this.peak);
  }
}
