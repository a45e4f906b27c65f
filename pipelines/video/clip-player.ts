import type { ClockState } from '../../core/clock.js';
import { CachedClip } from './cached-clip.js';
import { DiskClip } from './disk-clip.js';
import { LiveFeed, type FeedState } from './live-feed.js';
import { clipCacheMBFor } from './media-options.js';
import { Playhead } from './playhead.js';
import { FeedPlayer, type Player, type PlayerContext, type PlayerStatus } from './players.js';
import type { VideoInput } from './video-input.js';
import type { VideoParams } from './video-params.js';

/**
 * A clip: decoded into memory when it fits, else played from disk a window at a time; either way every
 * parameter (speed, reverse, loop modes, in and out, scrub, beat sync) is frame-exact. A long clip whose
 * length the container does not say is streamed forward at its own rate, looping.
 */
export class ClipPlayer implements Player {
  private readonly clip: CachedClip;
  private playhead: Playhead | null = null;
  private windows: DiskClip | null = null;
  private streamed: FeedPlayer | null = null;
  private shown = 0;
  private pendingSeek: number | null = null;
  /** The last frame shown: held while the next is not decoded yet. */
  private held: Uint8Array | null = null;
  /** Frames due before they were decoded (a clip still loading into memory; from disk, DiskClip counts). */
  private late = 0;
  /** Backwards from disk has fallen behind, and the log has said so (once a clip: it says what to change). */
  private behindSaid = false;

  constructor(
    private readonly input: VideoInput & { kind: 'clip' },
    private readonly ctx: PlayerContext,
  ) {
    this.clip = new CachedClip(input, ctx.setup, ctx.fps, ctx.clipCacheBytes);
    void this.clip.load().then((state) => {
      const frames = this.clip.expectedFrames;
      if (state === 'ready') {
        // Started while loading: the container's count may have been a frame or two off.
        if (!this.playhead) this.startPlayhead(this.clip.frames.length);
        else this.resize(this.clip.frames.length);
        ctx.log.info(`video ${input.label}: ${this.clip.frames.length} frames at ${this.clip.fps} fps in memory`);
      } else if (state === 'too-long' && frames) {
        this.windows = new DiskClip({ input, setup: ctx.setup, fps: this.clip.fps, frames });
        this.startPlayhead(frames);
        ctx.log.info(`video ${input.label}: ${frames} frames, more than the clip cache holds; played from disk (forwards: decoded ahead; backwards: ${this.windows.windowFrames} frames at a time)`);
      } else if (state === 'too-long') {
        ctx.log.info(`video ${input.label}: longer than the clip cache holds and of unknown length; streamed from disk (forward, looping)`);
        this.streamed = new FeedPlayer(new LiveFeed(input, ctx.setup, ctx.log), 'clip');
      } else if (state === 'failed') {
        ctx.log.error(`video ${input.label}: failed: ${this.clip.error}`);
      }
    });
  }

  frame(clock: ClockState, p: VideoParams): Uint8Array | null {
    if (this.streamed) return this.streamed.frame(clock, p);
    // A clip loading into memory plays from its first frame, at the length its container says.
    if (!this.playhead && this.clip.state === 'loading' && this.clip.expectedFrames && this.clip.frames.length > 0) this.startPlayhead(this.clip.expectedFrames);
    if (!this.playhead) return null;
    // A streamed clip's last window can show the file to be shorter than its container said.
    if (this.windows) this.resize(this.windows.frames);
    // A clip starts on its first frame: until it is decoded, a free-running playhead waits at its start
    // (as if paused) instead of running on without pictures; a beat-synced one keeps to the clock.
    const cueing = !this.held && p.beatSync === 0;
    this.shown = this.playhead.advance(clock, cueing ? { ...p, playing: false } : p);
    if (!this.windows) return this.fromMemory();
    // A frame whose window is still decoding: the last one stays up (a late frame, not a lost source).
    const [lo, hi] = this.playhead.range(p);
    this.held = this.windows.frameAt({ frame: this.shown, heading: this.playhead.heading, lo, hi, loop: p.loop, time: clock.time }) ?? this.held;
    if (this.windows.windowLead > 1 && !this.behindSaid) this.sayBehind(this.windows.frames);
    return this.held;
  }

  /** Once: backwards from disk cannot keep up on this machine, and the cache size that would hold the clip in memory instead. */
  private sayBehind(frames: number): void {
    this.behindSaid = true;
    this.ctx.log.warn(
      `video ${this.input.label}: played backwards from disk, decoding cannot keep up here: whole windows are skipped (the last frame held). A media.clipCacheMB of ${clipCacheMBFor(frames, this.ctx.setup.size)} or more keeps this clip in memory, where reverse costs nothing.`,
    );
  }

  /** The frame showing, from memory; one not decoded yet (the clip still loading) holds the last one, late. */
  private fromMemory(): Uint8Array | null {
    const data = this.clip.frames[this.shown];
    if (data) this.held = data;
    else if (this.held) this.late++;
    return this.held;
  }

  retrigger(): void {
    this.playhead?.retrigger();
  }

  seek(at: number): void {
    if (this.playhead) this.playhead.seek(at);
    else this.pendingSeek = at;
  }

  status(): PlayerStatus {
    if (this.streamed) return this.streamed.status();
    if (this.windows) {
      const w = this.windows;
      return { state: w.started ? 'playing' : 'starting', kind: 'clip', lastError: w.lastError, decoded: w.decoded, dropped: 0, frames: w.frames, frame: this.shown, seeks: w.seeks, late: w.late, buffered: w.buffered, windowLead: w.windowLead };
    }
    const clip = this.clip;
    const state: FeedState = clip.state === 'failed' ? 'failed' : clip.state === 'ready' || (this.playhead && this.held) ? 'playing' : 'starting';
    const frames = this.playhead?.frames ?? clip.frames.length;
    return { state, kind: 'cached-clip', lastError: clip.error, decoded: clip.frames.length, dropped: 0, late: this.late, ...(frames ? { frames, frame: this.shown } : {}) };
  }

  dispose(): void {
    this.clip.dispose();
    this.windows?.dispose();
    this.streamed?.dispose();
  }

  /** The clip turned out `frames` long: the playhead starts over at that length, where it was (as a scrub puts it). */
  private resize(frames: number): void {
    const playhead = this.playhead;
    if (!playhead || playhead.frames === frames) return;
    this.startPlayhead(frames, this.shown / Math.max(1, playhead.frames - 1));
  }

  private startPlayhead(frames: number, at?: number): void {
    this.playhead = new Playhead(frames, this.clip.fps);
    const seek = at ?? this.pendingSeek;
    if (seek !== null && seek !== undefined) this.playhead.seek(seek);
  }
}
