import { describeError } from '../../core/errors.js';
import type { Log } from '../../core/log.js';
import { AudioAnalyzer, AudioSignalNames } from './audio-analyzer.js';
import type { InputPort } from '../port.js';
import type { AudioConfig } from './audio-config.js';
import { CaptureSource, FileSource, type PcmSource } from './audio-sources.js';
import { BlockAssembler } from './block-assembler.js';

/** The default analysis block (audio.blockSize in the show). */
export const BLOCK_SIZE = 512;

export interface AudioStats {
  state: 'stopped' | 'running' | 'unavailable';
  source: string;
  reason: string | null;
  blocks: number;
  onsets: number;
  beats: number;
  bpm: number;
}

/**
 * Audio as modulation: a capture device or a file, analysed block by block into `audio:*` signals
 * (`audio:low`, `audio:band3`, `audio:onset`, `audio:beat`, `audio:phase`, `audio:bpm`, ...). With the
 * clock source set to "audio", the host tempo follows the beat tracker. A missing device or file is
 * reported once; the show goes on.
 */
export class AudioInput {
  readonly analyzer: AudioAnalyzer;
  private source: PcmSource | null = null;
  private readonly slots: number[];
  private state: AudioStats['state'] = 'stopped';
  private reason: string | null = null;
  private blocks = 0;
  private lastBpmSet = 0;
  /** Sees each analysed block (benchmarks, tests). */
  onBlock: ((timeMs: number) => void) | null = null;

  constructor(
    private readonly engine: InputPort,
    private readonly config: AudioConfig,
    private readonly log: Log,
  ) {
    this.analyzer = new AudioAnalyzer({ sampleRate: config.sampleRate, blockSize: config.blockSize, attackMs: config.attackMs, releaseMs: config.releaseMs });
    this.slots = AudioSignalNames.map(
      (name) => engine.modulation.bus.register(`audio:${name}`, 'unipolar', `audio analysis: ${name}`) ?? -1,
    );
  }

  async start(): Promise<boolean> {
    const c = this.config;
    const source: PcmSource =
      c.source === 'file'
        ? new FileSource(c.file ?? '', c.sampleRate)
        : new CaptureSource(c.sampleRate, c.channels, c.device, c.blockSize);
    const assembler = new BlockAssembler(c.blockSize, source.sampleRate, source.channels, source.format, performance.now(), (block, time) => this.analyse(block, time));
    try {
      if (c.source === 'file' && !c.file) throw new Error('audio.file is not set');
      await source.start((chunk) => assembler.push(chunk));
    } catch (error) {
      this.state = 'unavailable';
      this.reason = describeError(error);
      const what = /no default device/i.test(this.reason) ? 'no capture device' : `${source.description} unavailable: ${this.reason}`;
      this.log.warn(`audio: ${what} — the show runs without audio signals`);
      return false;
    }
    this.source = source;
    this.state = 'running';
    this.log.info(`Audio input: ${source.description}, ${source.sampleRate} Hz`);
    return true;
  }

  stop(): void {
    this.source?.stop();
    this.source = null;
    if (this.state === 'running') this.state = 'stopped';
  }

  stats(): AudioStats {
    return {
      state: this.state, source: this.source?.description ?? this.config.source, reason: this.reason, blocks: this.blocks,
      onsets: this.analyzer.onsets, beats: this.analyzer.beats, bpm: Math.round(this.analyzer.tracker.bpm * 10) / 10,
    };
  }

  /** One block: analyse, publish the signals (stamped with the block's time), follow the tempo if asked. */
  analyse(block: Float32Array, timeMs: number): void {
    const beatsBefore = this.analyzer.beats;
    this.analyzer.process(block, timeMs);
    this.engine.spectrum.set(this.analyzer.spectrum.values);
    this.blocks++;
    const bus = this.engine.modulation.bus;
    for (let i = 0; i < this.slots.length; i++) if (this.slots[i]! >= 0) bus.set(this.slots[i]!, this.analyzer.values[i]!, timeMs);
    if (this.engine.params.base('/clock/source') === 'audio') {
      const bpm = this.analyzer.tracker.bpm;
      if (bpm && Math.abs(bpm - this.lastBpmSet) >= 0.1) {
        this.lastBpmSet = bpm;
        this.engine.params.set('/clock/bpm', bpm, 'audio');
      }
      if (this.analyzer.beats > beatsBefore) this.engine.actions.invoke('/clock/beat', [], this.analyzer.lastBeatMs);
    }
    this.onBlock?.(timeMs);
  }
}
