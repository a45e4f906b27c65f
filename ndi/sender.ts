import { FOURCC, FRAME_FORMAT_PROGRESSIVE, TIMECODE_SYNTHESIZE, type NdiRuntime, type VideoFrameStruct } from './runtime.js';

export interface NdiFramePixels {
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * One NDI source. `send` hands a frame to the runtime on one of koffi's native threads (the runtime
 * compresses it there), so the caller's thread only builds a small struct. The buffer must stay
 * untouched until the callback; `close` waits for a send in flight before destroying the sender.
 */
export class NdiSender {
  private handle: bigint | null;
  /** The caller's callback for the send in flight, and what close() waits on; held in fields so a send allocates no closure. */
  private pendingDone: ((error: unknown) => void) | null = null;
  private idle: (() => void) | null = null;
  private readonly onSent = (error: unknown): void => {
    const done = this.pendingDone;
    this.pendingDone = null;
    done?.(error);
    this.idle?.();
  };
  private readonly frame: VideoFrameStruct;

  constructor(
    private readonly runtime: NdiRuntime,
    readonly name: string,
    options: { fps: number; alpha: boolean; groups?: string | null },
  ) {
    this.handle = runtime.sendCreate({ p_ndi_name: name, p_groups: options.groups ?? null, clock_video: false, clock_audio: false });
    if (!this.handle) throw new Error(`the NDI runtime could not create a sender named "${name}"`);
    const [rateN, rateD] = Number.isInteger(options.fps) ? [options.fps, 1] : [Math.round(options.fps * 1000), 1000];
    this.frame = {
      xres: 0,
      yres: 0,
      // RGBX tells receivers to ignore alpha (and spares its compression).
      FourCC: options.alpha ? FOURCC.RGBA : FOURCC.RGBX,
      frame_rate_N: rateN,
      frame_rate_D: rateD,
      picture_aspect_ratio: 0,
      frame_format_type: FRAME_FORMAT_PROGRESSIVE,
      timecode: TIMECODE_SYNTHESIZE,
      p_data: null,
      line_stride_in_bytes: 0,
      p_metadata: null,
      timestamp: 0n,
    };
  }

  /** Starts sending RGBA pixels; `done` runs (on the JS thread) once the runtime is finished with them. */
  send(pixels: NdiFramePixels, done: (error: unknown) => void): void {
    if (!this.handle) {
      done(new Error('sender closed'));
      return;
    }
    const f = this.frame;
    f.xres = pixels.width;
    f.yres = pixels.height;
    f.picture_aspect_ratio = pixels.width / pixels.height;
    f.line_stride_in_bytes = pixels.width * 4;
    f.p_data = pixels.data as Buffer;
    this.pendingDone = done;
    this.runtime.sendVideo.async(this.handle, f, this.onSent);
  }

  /** Receivers connected right now. */
  connections(): number {
    return this.handle ? this.runtime.sendConnections(this.handle, 0) : 0;
  }

  async close(): Promise<void> {
    const handle = this.handle;
    if (!handle) return;
    this.handle = null;
    if (this.pendingDone) await new Promise<void>((resolve) => (this.idle = resolve));
    this.idle = null;
    this.runtime.sendDestroy(handle);
  }
}
