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
const MIN_ONSET_GAP_MS = 100;

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
  onsets = 0;
  beats = 0;
  /** Time of the last onset and the last beat (ms), for measuring. */
  lastOnsetMs = -Infinity;
  lastBeatMs = -Infinity;
  private readonly raw = new Float64Array(FOLLOWED);
  private readonly followed = new Float64Array(FOLLOWED);
  private readonly peaks = new Float64Array(FOLLOWED);
  private readonly floors = new Float64Array(FOLLOWED);
  private previousSpectrum: Float32Array | null = null;
  private readonly fluxHistory = new Float64Array(48);
  private fluxCursor = 0;
  private fluxCount = 0;
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

  /** Half-wave rectified change of the log-compressed spectrum: energy arriving, not leaving. */
  private flux(spectrum: Float32Array): number {
    const prev = this.previousSpectrum;
    let sum = 0;
    if (prev) {
      for (let i = 1; i < spectrum.length; i++) {
        const d = Math.log1p(spectrum[i]!) - Math.log1p(prev[i]!);
        if (d > 0) sum += d;
      }
    }
    if (!this.previousSpectrum) this.previousSpectrum = new Float32Array(spectrum.length);
    this.previousSpectrum.set(spectrum);
    return sum / spectrum.length;
  }

  private detectOnset(flux: number, timeMs: number): void {
    let mean = 0;
    for (let i = 0; i < this.fluxCount; i++) mean += this.fluxHistory[i]!;
    mean = this.fluxCount ? mean / this.fluxCount : 0;
    const threshold = mean * 1.5 + 0.01;
    const rising = flux > this.lastFlux;
    if (flux > threshold && rising && timeMs - this.lastOnsetMs >= MIN_ONSET_GAP_MS) {
      this.onsets++;
      this.lastOnsetMs = timeMs;
      this.onsetPulseUntil = timeMs + this.blockMs + PULSE_MS;
      this.tracker.onset(timeMs);
    }
    this.lastFlux = flux;
    this.fluxHistory[this.fluxCursor] = flux;
    this.fluxCursor = (this.fluxCursor + 1) % this.fluxHistory.length;
    if (this.fluxCount < this.fluxHistory.length) this.fluxCount++;
  }
}
