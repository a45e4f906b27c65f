import type { ClockState } from '../../core/clock.js';
import { crossfadeInto } from '../../core/blend.js';
import { describeError } from '../../core/errors.js';
import type { Frame } from '../../core/frame.js';
import { definePipeline, type PipelineContext, type PipelineStatus } from '../contract.js';
import { ClipPlayer } from './clip-player.js';
import { LiveFeed } from './live-feed.js';
import { SlideshowPlayer } from './slideshow-player.js';
import { FailedPlayer, FeedPlayer, ImagePlayer, type Player, type PlayerContext } from './players.js';
import { resolveVideoInput, type VideoInput } from './video-input.js';
import { videoParams, type VideoParams } from './video-params.js';

/**
 * Video in: a clip, a camera or a stream as a deck's source, decoded by ffmpeg beside the frame loop.
 * The loop only takes the newest frame (a pointer, no copy). Changing `source` switches live: the old
 * source plays on until the new one has a picture, then crossfades out.
 */
export const videoSource = definePipeline({
  id: 'video',
  name: 'Video',
  kind: 'source',
  description: 'A clip from the media folder, a camera or a network stream, through ffmpeg.',
  params: videoParams,
  create(ctx) {
    return new VideoSource(ctx);
  },
});

interface Playing {
  source: string;
  player: Player;
}

class VideoSource {
  private current: Playing | null = null;
  /** The source being switched away from: shown until the new one has a picture, then faded out. */
  private previous: (Playing & { fadeFrom: number | null }) | null = null;
  private readonly black: Frame;
  private readonly blend: Frame;
  private readonly frames = new WeakMap<Uint8Array, Frame>();
  private lastShown: Uint8Array | null = null;
  private lastPosition: number | null = null;
  private lastBeat = -1;
  private lastBar = -1;
  private cuePending = false;

  constructor(private readonly ctx: PipelineContext) {
    this.black = ctx.pool.acquire(ctx.width, ctx.height);
    this.black.data.fill(0);
    this.blend = ctx.pool.acquire(ctx.width, ctx.height);
  }

  process(_input: Frame | null, p: VideoParams, clock: ClockState): Frame {
    if (p.source !== this.current?.source) this.switchTo(p);
    const player = this.current!.player;
    this.follow(player, p, clock);
    const data = player.frame(clock, p);
    const shown = this.withPrevious(data, clock, p);
    this.lastShown = shown ?? this.lastShown;
    const frame = shown ? this.frameOf(shown) : this.black;
    frame.index = clock.frame;
    frame.time = clock.time;
    return frame;
  }

  retrigger(): void {
    this.current?.player.retrigger();
  }

  /** Heard on the next frame, with the parameters the cue's preset brought. */
  cue(): void {
    this.cuePending = true;
  }

  status(): PipelineStatus {
    const s = this.current?.player.status() ?? { state: 'starting', kind: 'none', lastError: null, decoded: 0, dropped: 0 };
    const state = s.state === 'playing' ? 'loaded' : s.state === 'failed' ? 'error' : 'loading';
    return { state, current: this.current?.source || null, next: null, error: s.lastError, detail: { ...s } };
  }

  dispose(): void {
    this.current?.player.dispose();
    this.previous?.player.dispose();
    this.current = this.previous = null;
    this.ctx.pool.release(this.black);
    this.ctx.pool.release(this.blend);
  }

  private switchTo(p: VideoParams): void {
    this.previous?.player.dispose();
    this.previous = this.current && p.switchFade > 0 ? { ...this.current, fadeFrom: null } : null;
    if (!this.previous) this.current?.player.dispose();
    this.current = { source: p.source, player: this.open(p) };
    this.lastPosition = null;
  }

  private open(p: VideoParams): Player {
    if (!p.source) return new FailedPlayer('no source: set `source` to a clip, a camera or a stream URL');
    try {
      const input = resolveVideoInput(p.source, this.ctx.media.dir);
      const setup = { fit: p.fit, size: { width: this.ctx.width, height: this.ctx.height }, hwDecode: this.ctx.media.hwDecode };
      return createPlayer(input, { setup, fps: this.ctx.fps, log: this.ctx.log, clipCacheBytes: this.ctx.media.clipCacheBytes });
    } catch (error) {
      this.ctx.log.error(`video: ${describeError(error)}`);
      return new FailedPlayer(describeError(error));
    }
  }

  /** Scrubbing and retriggers on the beat or bar. */
  private follow(player: Player, p: VideoParams, clock: ClockState): void {
    if (this.lastPosition !== null && p.position !== this.lastPosition) player.seek(p.position);
    this.lastPosition = p.position;
    const beat = Math.floor(clock.beat + 1e-6);
    const bar = Math.floor(clock.bar + 1e-6);
    const onBeat = p.retrigger === 'beat' && beat !== this.lastBeat && this.lastBeat >= 0;
    const onBar = p.retrigger === 'bar' && bar !== this.lastBar && this.lastBar >= 0;
    if (onBeat || onBar || (p.retrigger === 'cue' && this.cuePending)) player.retrigger();
    this.cuePending = false;
    this.lastBeat = beat;
    this.lastBar = bar;
  }

  /** While switching: the old source until the new one shows, then the old fading out under it. */
  private withPrevious(data: Uint8Array | null, clock: ClockState, p: VideoParams): Uint8Array | null {
    const previous = this.previous;
    if (!previous) return data;
    const old = previous.player.frame(clock, p) ?? this.lastShown;
    if (!data) return old;
    previous.fadeFrom ??= this.ctx.now();
    const t = (this.ctx.now() - previous.fadeFrom) / (p.switchFade * 1000);
    if (t >= 1 || !old) {
      previous.player.dispose();
      this.previous = null;
      return data;
    }
    crossfadeInto(old, data, t, this.blend.data);
    return this.blend.data;
  }

  private frameOf(data: Uint8Array): Frame {
    let frame = this.frames.get(data);
    if (!frame) {
      frame = { width: this.ctx.width, height: this.ctx.height, data, index: 0, time: 0 };
      this.frames.set(data, frame);
    }
    return frame;
  }
}

function createPlayer(input: VideoInput, ctx: PlayerContext): Player {
  if (input.kind === 'image') return new ImagePlayer(input, ctx);
  if (input.kind === 'slideshow') return new SlideshowPlayer(input, ctx);
  return input.kind === 'clip' ? new ClipPlayer(input, ctx) : new FeedPlayer(new LiveFeed(input, ctx.setup, ctx.log), input.kind);
}
