import { decodeArgs, type VideoInput } from './video-input.js';
import { FrameReader } from './frame-reader.js';
import { probeClip } from './probe.js';
import type { FitMode } from './video-params.js';

/** Clips up to this much decoded video are kept in memory (frame-exact scrub, reverse and beat sync). */
export const CLIP_CACHE_BYTES = 256 * 1024 * 1024;

export type ClipState = 'loading' | 'ready' | 'too-long' | 'failed';

/** A short clip decoded once, every frame in memory at the show size. */
export class CachedClip {
  state: ClipState = 'loading';
  frames: Uint8Array[] = [];
  /** The clip's own rate (the show's when the file does not say). */
  fps: number;
  error: string | null = null;
  private reader: FrameReader | null = null;

  constructor(
    private readonly input: VideoInput & { kind: 'clip' },
    private readonly fit: FitMode,
    private readonly size: { width: number; height: number },
    showFps: number,
    private readonly limitBytes = CLIP_CACHE_BYTES,
  ) {
    this.fps = showFps;
  }

  /** Resolves once the clip is in memory, too long for it, or failed. */
  async load(): Promise<ClipState> {
    const info = await probeClip(this.input.file);
    if (info) this.fps = info.fps;
    const maxFrames = Math.floor(this.limitBytes / (this.size.width * this.size.height * 4));
    const reader = new FrameReader({ args: (out) => decodeArgs(this.input, this.fit, this.size.width, this.size.height, out), ...this.size, keepAll: true, maxFrames });
    this.reader = reader;
    reader.start();
    const end = await reader.done;
    this.reader = null;
    if (this.state !== 'loading') return this.state; // disposed meanwhile
    if (end.kind === 'failed') {
      this.error = end.message;
      return (this.state = 'failed');
    }
    if (end.kind === 'too-long') return (this.state = 'too-long');
    if (reader.all.length === 0) {
      this.error = `${this.input.label}: no video frames in it`;
      return (this.state = 'failed');
    }
    this.frames = reader.all;
    return (this.state = 'ready');
  }

  dispose(): void {
    this.state = 'failed';
    this.reader?.stop();
    this.frames = [];
  }
}
