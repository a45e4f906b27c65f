import { decodeCommand, type DecodeSetup, type VideoInput } from './video-input.js';
import { FrameReader } from './frame-reader.js';
import { framesInCache } from './media-options.js';
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
    const maxFrames = framesInCache(this.limitBytes, this.setup.size);
    // Decoding starts beside the probe, not after it: each is a process start (about 0.2 s on the machines
    // measured), and the clip can play once the probe has said its length and the first frame is in.
    const reader = new FrameReader({ args: (out) => decodeCommand(this.input, this.setup, out), ...this.setup.size, keepAll: true, maxFrames });
    this.reader = reader;
    this.frames = reader.all;
    reader.start();
    const info = await probeClip(this.input.file);
    if (this.state !== 'loading') return this.state; // disposed meanwhile
    if (info) this.fps = info.fps;
    const expected = info?.duration ? Math.max(1, Math.round(info.duration * info.fps)) : null;
    // The container says it will not fit: no decoding on only to find out.
    if (expected !== null && expected > maxFrames) {
      reader.stop();
      this.reader = null;
      this.frames = [];
      this.expectedFrames = expected;
      return (this.state = 'too-long');
    }
    this.expectedFrames = expected;
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
