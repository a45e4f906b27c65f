import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { describeError } from '../../core/errors.js';
import { quietNative } from '../../core/libc.js';
import type { SampleFormat } from './block-assembler.js';

/** Where PCM comes from: a capture device, or a file played in real time. */
export interface PcmSource {
  readonly format: SampleFormat;
  readonly channels: number;
  readonly sampleRate: number;
  /** Starts delivering chunks; throws (with a clear message) when the source cannot start. */
  start(onChunk: (chunk: Buffer) => void): Promise<void>;
  stop(): void;
  readonly description: string;
}

interface AudioIOStream {
  on(event: 'data', cb: (chunk: Buffer) => void): void;
  on(event: 'error', cb: (error: Error) => void): void;
  start(): void;
  quit(cb?: () => void): void;
}
interface NaudiodonModule {
  AudioIO: new (options: { inOptions: Record<string, unknown> }) => AudioIOStream;
  getDevices(): { id: number; name: string; maxInputChannels: number; defaultSampleRate: number }[];
  SampleFormat16Bit: number;
}

/** A capture device through PortAudio (naudiodon): by name (substring) or the default one. */
export class CaptureSource implements PcmSource {
  readonly format = 's16le' as const;
  private io: AudioIOStream | null = null;
  description: string;

  constructor(
    readonly sampleRate: number,
    readonly channels: number,
    private readonly device: string | null,
    private readonly framesPerBuffer: number,
  ) {
    this.description = `capture ${device ?? 'default device'}`;
  }

  start(onChunk: (chunk: Buffer) => void): Promise<void> {
    let pa: NaudiodonModule;
    try {
      pa = quietNative(() => createRequire(import.meta.url)('naudiodon') as NaudiodonModule);
    } catch (error) {
      throw new Error(`the audio library did not load (${describeError(error)})`, { cause: error });
    }
    let deviceId = -1;
    if (this.device) {
      const devices = quietNative(() => pa.getDevices()).filter((d) => d.maxInputChannels > 0);
      const found = devices.find((d) => d.name.toLowerCase().includes(this.device!.toLowerCase()));
      if (!found) throw new Error(`no capture device matching "${this.device}" (found: ${devices.map((d) => d.name).join(', ') || 'none'})`);
      deviceId = found.id;
      this.description = `capture ${found.name}`;
    }
    const io = quietNative(() => new pa.AudioIO({
      // A deep queue: while a frame renders, buffers wait instead of being dropped (time is counted in samples).
      inOptions: { channelCount: this.channels, sampleFormat: pa.SampleFormat16Bit, sampleRate: this.sampleRate, deviceId, closeOnError: false, framesPerBuffer: this.framesPerBuffer, maxQueue: 64 },
    }));
    io.on('data', onChunk);
    io.on('error', () => {});
    quietNative(() => io.start());
    this.io = io;
    return Promise.resolve();
  }

  stop(): void {
    try {
      this.io?.quit();
    } catch {
      // already closed
    }
    this.io = null;
  }
}

/**
 * Any audio file ffmpeg can read, decoded once to mono float in memory, then played in real time and
 * looped — rehearsal without a sound card.
 */
export class FileSource implements PcmSource {
  readonly format = 'f32le' as const;
  readonly channels = 1;
  private timer: NodeJS.Timeout | null = null;
  readonly description: string;

  constructor(
    private readonly file: string,
    readonly sampleRate: number,
    private readonly ffmpeg = 'ffmpeg',
  ) {
    this.description = `file ${file}`;
  }

  async start(onChunk: (chunk: Buffer) => void): Promise<void> {
    const pcm = await this.decode();
    if (pcm.length < 4) throw new Error(`${this.file}: no audio in it`);
    const bytesPerMs = (this.sampleRate * 4) / 1000;
    const started = performance.now();
    let sent = 0;
    this.timer = setInterval(() => {
      const due = Math.floor(((performance.now() - started) * bytesPerMs) / 4) * 4;
      while (sent < due) {
        const offset = sent % pcm.length;
        const n = Math.min(due - sent, pcm.length - offset);
        onChunk(pcm.subarray(offset, offset + n));
        sent += n;
      }
    }, 5);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private decode(): Promise<Buffer> {
    const probe = spawnSync(this.ffmpeg, ['-version'], { stdio: 'ignore' });
    if (probe.error) return Promise.reject(new Error(`ffmpeg is not installed (or not on PATH), so audio files cannot be decoded: ${probe.error.message}`));
    return new Promise((resolve, reject) => {
      const child = spawn(this.ffmpeg, ['-v', 'error', '-i', this.file, '-f', 'f32le', '-ac', '1', '-ar', String(this.sampleRate), 'pipe:1'], { stdio: ['ignore', 'pipe', 'pipe'] });
      const chunks: Buffer[] = [];
      let err = '';
      child.stdout.on('data', (d: Buffer) => chunks.push(d));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`ffmpeg could not decode ${this.file}: ${err.trim() || `exit ${code}`}`))));
    });
  }
}
