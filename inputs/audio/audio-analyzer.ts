import { LogSpectrum } from './log-spectrum.js';
import { createRequire } from 'node:module';
import { BeatTracker } from './beat-tracker.js';

/** The part of meyda used here. It is a CommonJS package whose bundled types describe its ESM build. */
interface MeydaLike {
  bufferSize: number;
  sampleRate: number;
  extract(features: string[], signal: Float32Array): unknown;
}
const Meyda = createRequire(import.meta.url)('meyda') as MeydaLike;

/** Signal names the analyzer produces (as `audio:<name>`). */
export const AudioSignalNames = [
  'rms', 'loudness', 'centroid', 'flux', 'low', 'mid', 'high',
  'band0', 'band1', 'band2', 'band3', 'band4', 'band5', 'band6', 'band7',
  'onset', 'beat', 'phase', 'bpm',
] as const;
export type AudioSignalName = (typeof AudioSignalNames)[number];

export interface AnalyzerOptions {
  sampleRate: number;
  blockSize: number;
  /** Envelope follower times (ms). */
  attackMs: number;
  releaseMs: number;
}

const FOLLOWED = 15; // rms .. band7
const BAND_EDGES_HZ = [40, 80, 160, 320, 640, 1280, 2560, 5120, 16000];
const LOW = [20, 250];
const MID = [250, 4000];
const HIGH = [4000, 16000];
const PULSE_MS = 100;
const MIN_ONSET_GAP_MS = 150;

/**
 * Per block (512 samples at 48 kHz): RMS, loudness, spectral centroid and flux (meyda), band energies
 * (low / mid / high and 8 log-spaced bands), each through an attack/release envelope follower and an
 * automatic gain (rolling peak normalisation, so a quiet room and a loud club both give usable 0..1),
 * plus onset detection (adaptive threshold on spectral flux) and beat tracking.
 */
export class AudioAnalyzer {
  /** Latest value per signal, 0..1 (index = AudioSignalNames order). */
  readonly values = new Float64Array(AudioSignalNames.length);
  readonly tracker = new BeatTracker();
  /** The spectrum in log-spaced bins, 0..1 (shaders read it as a texture). */
  readonly spectrum: LogSpectrum;
  onsets = 0;
  beats = 0;
  /** Time of the last onset and the last beat (ms), for measuring. */
  lastOnsetMs = -Infinity;
  lastBeatMs = -Infinity;
  private readonly raw = new Float64Array(FOLLOWED);
  private readonly followed = new Float64Array(FOLLOWED);
  private readonly peaks = new Float64Array(FOLLOWED);
  private readonly floors = new Float64Array(FOLLOWED);
  private logSpectra: Float32Array[] | null = null;
  /** The kick-drum part of the flux (the low band alone), which a bed of hiss cannot drown. */
  private lowFlux = 0;
  // The kick detector also wants 40% of the last second's peak: a kick's own ringing after it is not a new kick.
  private readonly lowDetector = new AdaptiveThreshold(48, 0.4);
  private readonly fullDetector = new AdaptiveThreshold(48, 0);
  private lastLowFlux = 0;
  private spectraSeen = 0;
  private lastFlux = 0;
  private readonly attack: number;
  private readonly release: number;
  private readonly peakDecay: number;
  private readonly binHz: number;
  private readonly bandBins: [number, number][];
  private readonly blockMs: number;
  private onsetPulseUntil = -Infinity;
  private beatPulseFrom = -Infinity;

  constructor(private readonly o: AnalyzerOptions) {
    this.blockMs = (o.blockSize / o.sampleRate) * 1000;
    this.attack = 1 - Math.exp(-this.blockMs / Math.max(1, o.attackMs));
    this.release = 1 - Math.exp(-this.blockMs / Math.max(1, o.releaseMs));
    // The rolling peak falls by half over ~8 s: loud passages set the scale, a quiet room rises again.
    this.peakDecay = Math.pow(0.5, this.blockMs / 8000);
    this.binHz = o.sampleRate / o.blockSize;
    const bins = (lo: number, hi: number): [number, number] => {
      const a = Math.max(0, Math.floor(lo / this.binHz));
      return [a, Math.max(a + 1, Math.ceil(hi / this.binHz))];
    };
    this.bandBins = [bins(LOW[0]!, LOW[1]!), bins(MID[0]!, MID[1]!), bins(HIGH[0]!, HIGH[1]!)];
    for (let b = 0; b < 8; b++) this.bandBins.push(bins(BAND_EDGES_HZ[b]!, BAND_EDGES_HZ[b + 1]!));
    this.spectrum = new LogSpectrum(o.sampleRate, o.blockSize, this.attack, this.release, this.peakDecay);
    // Below these levels, a signal is silence, not something to amplify.
    this.floors.fill(1e-3);
    this.floors[1] = 0.5; // loudness (sone-like units)
    this.floors[2] = 1; // centroid (bins)
  }

  /** Analyses one mono block whose first sample was captured at `timeMs`. */
  process(block: Float32Array, timeMs: number): void {
    Meyda.bufferSize = this.o.blockSize;
    Meyda.sampleRate = this.o.sampleRate;
    const f = Meyda.extract(['rms', 'loudness', 'spectralCentroid', 'amplitudeSpectrum'], block) as {
      rms: number;
      loudness: { total: number };
      spectralCentroid: number;
      amplitudeSpectrum: Float32Array;
    };
    const spectrum = f.amplitudeSpectrum;
    this.spectrum.update(spectrum);
    const flux = this.flux(spectrum);
    const r = this.raw;
    r[0] = f.rms;
    r[1] = f.loudness.total;
    r[2] = Number.isFinite(f.spectralCentroid) ? f.spectralCentroid : 0;
    r[3] = flux;
    for (let b = 0; b < this.bandBins.length; b++) {
      const [a, z] = this.bandBins[b]!;
      let e = 0;
      for (let i = a; i < z && i < spectrum.length; i++) e += spectrum[i]! * spectrum[i]!;
      r[4 + b] = Math.sqrt(e / (z - a)) / this.o.blockSize;
    }
    for (let i = 0; i < FOLLOWED; i++) {
      const x = r[i]!;
      const y = this.followed[i]!;
      this.followed[i] = y + (x - y) * (x > y ? this.attack : this.release);
      this.peaks[i] = Math.max(this.followed[i]!, this.peaks[i]! * this.peakDecay, this.floors[i]!);
      this.values[i] = Math.min(1, this.followed[i]! / this.peaks[i]!);
    }
    this.detectOnset(flux, timeMs);
    const beat = this.tracker.advance(timeMs + this.blockMs);
    if (beat !== null) {
      this.beats++;
      this.lastBeatMs = beat;
      this.beatPulseFrom = beat;
    }
    const end = timeMs + this.blockMs;
    this.values[15] = end < this.onsetPulseUntil ? 1 - (end - (this.onsetPulseUntil - PULSE_MS)) / PULSE_MS : 0;
    this.values[16] = end - this.beatPulseFrom < PULSE_MS ? 1 - (end - this.beatPulseFrom) / PULSE_MS : 0;
    this.values[17] = this.tracker.phase(end);
    this.values[18] = this.tracker.bpm ? (this.tracker.bpm - 20) / 280 : 0;
  }

  /**
   * Half-wave rectified change of the log-compressed spectrum against the block before last (energy
   * arriving, not leaving): a kick that starts late in one block shows whole in the next, wherever the
   * block boundaries fall.
   */
  private flux(spectrum: Float32Array): number {
    const n = spectrum.length;
    if (!this.logSpectra) this.logSpectra = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
    const [older, , current] = this.logSpectra as [Float32Array, Float32Array, Float32Array];
    for (let i = 0; i < n; i++) current[i] = Math.log1p(spectrum[i]!);
    let sum = 0;
    let low = 0;
    const lowEnd = this.bandBins[0]![1];
    if (this.spectraSeen >= 2) {
      for (let i = 1; i < n; i++) {
        const d = current[i]! - older[i]!;
        if (d > 0) {
          sum += d;
          if (i < lowEnd) low += d;
        }
      }
    }
    this.lowFlux = low;
    this.spectraSeen++;
    // Rotate: current becomes previous, previous becomes older.
    this.logSpectra = [this.logSpectra[1]!, current, older];
    return sum / n;
  }

  private detectOnset(flux: number, timeMs: number): void {
    // Two detection functions, each against its own adaptive threshold: the whole spectrum (snares,
    // hats, any attack) and the low band alone (kicks under a bed of noise or pads).
    const full = this.fullDetector.exceeds(flux, 0.01) && flux > this.lastFlux;
    const low = this.lowDetector.exceeds(this.lowFlux, 0.05) && this.lowFlux > this.lastLowFlux;
    if ((full || low) && timeMs - this.lastOnsetMs >= MIN_ONSET_GAP_MS) {
      this.onsets++;
      this.lastOnsetMs = timeMs;
      this.onsetPulseUntil = timeMs + this.blockMs + PULSE_MS;
      this.tracker.onset(timeMs);
    }
    this.lastFlux = flux;
    this.lastLowFlux = this.lowFlux;
  }

}


/**
 * Is a value an outlier against the last `size` values? Median plus four median absolute deviations
 * (plus a floor for silence): a steady bed sets its own baseline, and the previous peak (an outlier
 * itself) does not raise the bar for the next one. Allocation-free.
 */
class AdaptiveThreshold {
  private readonly history: Float64Array;
  private readonly scratch: Float64Array;
  private cursor = 0;
  private count = 0;
  private peak = 0;

  /** `relative`: the value must also reach this share of the recent peak (which halves every ~48 values). */
  constructor(
    size: number,
    private readonly relative: number,
  ) {
    this.history = new Float64Array(size);
    this.scratch = new Float64Array(size);
  }

  exceeds(value: number, floor: number): boolean {
    const n = this.count;
    const sorted = this.scratch.subarray(0, n);
    sorted.set(this.history.subarray(0, n));
    sorted.sort();
    const median = n ? sorted[n >> 1]! : 0;
    for (let i = 0; i < n; i++) sorted[i] = Math.abs(sorted[i]! - median);
    sorted.sort();
    const mad = n ? sorted[n >> 1]! : 0;
    this.history[this.cursor] = value;
    this.cursor = (this.cursor + 1) % this.history.length;
    if (this.count < this.history.length) this.count++;
    const peak = this.peak;
    this.peak = Math.max(value, this.peak * Math.pow(0.5, 1 / this.history.length));
    return value > median + 4 * mad + floor && value >= this.relative * peak;
  }
}
