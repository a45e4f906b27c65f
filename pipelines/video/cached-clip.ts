import { decodeCommand, type DecodeSetup, type VideoInput } from './video-input.js';
import { FrameReader } from './frame-reader.js';
import { probeClip } from './probe.js';

export type ClipState = 'loading' | 'ready' | 'too-long' | 'failed';

/**
 * A short clip decoded once, every frame in memory at the show size. While it loads, `frames` already
 * holds the frames decoded so far (in order), so the clip can start before it is all in.
 */
export class CachedClip {
  state: ClipState = 'loading';
  frames: Uint8Array[] = [];
  /** The clip's own rate (the show's when the file does not say). */
  fps: number;
  /** Its length in frames as the container says (duration × rate), or null where it does not. */
  expectedFrames: number | null = null;
  error: string | null = null;
  private reader: FrameReader | null = null;

  constructor(
    private readonly input: VideoInput & { kind: 'clip' },
    private readonly setup: DecodeSetup,
    showFps: number,
    private readonly limitBytes: number,
  ) {
    this.fps = showFps;
  }

  /** Resolves once the clip is in memory, too long for it, or failed. */
  async load(): Promise<ClipState> {
    const info = await probeClip(this.input.file);
    if (this.state !== 'loading') return this.state; // disposed meanwhile
    if (info) this.fps = info.fps;
    if (info?.duration) this.expectedFrames = Math.max(1, Math.round(info.duration * info.fps));
    const maxFrames = Math.floor(this.limitBytes / (this.setup.size.width * this.setup.size.height * 4));
    // The container says it will not fit: no decoding it only to find out.
    if (this.expectedFrames !== null && this.expectedFrames > maxFrames) return (this.state = 'too-long');
    const reader = new FrameReader({ args: (out) => decodeCommand(this.input, this.setup, out), ...this.setup.size, keepAll: true, maxFrames });
    this.reader = reader;
    this.frames = reader.all;
    reader.start();
    const end = await reader.done;
    this.reader = null;
    if (this.state !== 'loading') return this.state;
    if (end.kind !== 'ended') this.frames = [];
    if (end.kind === 'failed') {
      this.error = end.message;
      return (this.state = 'failed');
    }
    if (end.kind === 'too-long') return (this.state = 'too-long');
    if (reader.all.length === 0) {
      this.error = `${this.input.label}: no video frames in it`;
      return (this.state = 'failed');
    }
    return (this.state = 'ready');
  }

  dispose(): void {
    this.state = 'failed';
    this.reader?.stop();
    this.frames = [];
  }
}
