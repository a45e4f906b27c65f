import { FOURCC, FrameType, RecvBandwidth, RecvColorFormat, viewNative, type NdiRuntime, type VideoFrameStruct } from './runtime.js';

export interface NdiSourceAddress {
  /** The full NDI name, "MACHINE (source)", as discovery lists it. */
  name?: string | null;
  /** "host:port" of the sender, for networks without discovery. */
  url?: string | null;
}

export interface ReceivedFrame {
  /** Pixels as RGBA (or RGBX, alpha 255) rows; valid only during the callback. */
  data: Uint8Array;
  width: number;
  height: number;
  stride: number;
  hasAlpha: boolean;
  /** The sender's timestamp (100 ns units), or 0. */
  timestamp: bigint;
}

const CAPTURE_TIMEOUT_MS = 100;

/**
 * Receives video from one NDI source as RGBA. Capturing waits on one of koffi's native threads, so the
 * JS thread never blocks; each frame is shown to `onFrame` without a copy and then handed back.
 * The runtime reconnects by itself when the source goes and comes back.
 */
export class NdiReceiver {
  private handle: bigint | null;
  private loop: Promise<void> | null = null;
  private running = false;
  frames = 0;

  constructor(
    private readonly runtime: NdiRuntime,
    source: NdiSourceAddress,
    private readonly onFrame: (frame: ReceivedFrame) => void,
    receiverName = 'vj-host receiver',
  ) {
    if (!source.name && !source.url) throw new Error('an NDI source needs a name or a host:port URL');
    this.handle = runtime.recvCreate({
      source_to_connect_to: { p_ndi_name: source.name ?? null, p_url_address: source.url ?? null },
      color_format: RecvColorFormat.RGBX_RGBA,
      bandwidth: RecvBandwidth.highest,
      allow_video_fields: false,
      p_ndi_name: receiverName,
    });
    if (!this.handle) throw new Error('the NDI runtime could not create a receiver');
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  connections(): number {
    return this.handle ? this.runtime.recvConnections(this.handle) : 0;
  }

  private async run(): Promise<void> {
    const out: VideoFrameStruct[] = [{} as VideoFrameStruct];
    while (this.running && this.handle) {
      const handle = this.handle;
      const type = await new Promise<number>((resolve) => {
        this.runtime.recvCapture.async(handle, out, null, null, CAPTURE_TIMEOUT_MS, (error: unknown, result: number) => {
          resolve(error ? FrameType.error : result);
        });
      });
      if (type !== FrameType.video) continue;
      const v = out[0]!;
      try {
        if (typeof v.p_data === 'bigint' && v.p_data !== 0n) {
          this.frames++;
          this.onFrame({
            data: viewNative(v.p_data, v.line_stride_in_bytes * v.yres),
            width: v.xres,
            height: v.yres,
            stride: v.line_stride_in_bytes,
            hasAlpha: v.FourCC === FOURCC.RGBA,
            timestamp: v.timestamp,
          });
        }
      } finally {
        this.runtime.recvFreeVideo(handle, v);
      }
    }
  }

  async close(): Promise<void> {
    this.running = false;
    await this.loop;
    const handle = this.handle;
    this.handle = null;
    if (handle) this.runtime.recvDestroy(handle);
  }
}
