import { MessageChannel, Worker } from 'node:worker_threads';
import { distPath } from '../../core/dist-path.js';
import type { FrameJob } from './frame-job.js';
import { RunTiming } from './run-timing.js';
import type { PixelReply, PixelRequest, SessionReply, SessionRequest } from './worker-messages.js';

/** What the pipeline uses of a model's session. */
export interface OrtSession {
  inputNames: readonly string[];
  outputNames: readonly string[];
  inputMetadata?: readonly { name: string; type?: string; shape?: readonly (number | string)[] }[];
  outputMetadata?: readonly { name: string; type?: string; shape?: readonly (number | string)[] }[];
  /**
   * Pre-processing, the run, post-processing and the mix off the frame loop: a frame in, a frame out, and
   * how often the model can give one when it is fed in time (`costMs`).
   */
  renderFrame(job: FrameJob, frame: Uint8Array): Promise<RenderedFrame>;
  /** Whether a frame handed over now would reach the session as it comes free (see RunTiming). */
  wantsNextInput?(framePeriodMs: number): boolean;
  /** How long one inference takes (smoothed, ms), the pixel work beside it not counted; 0 before the first. */
  inferenceMs?(): number;
  release(): Promise<void>;
  /** The provider it runs on (after any fallback) and its adapter (webgpu); absent: the CPU. */
  readonly provider?: string;
  readonly adapter?: string | null;
}

export interface RenderedFrame {
  frame: Uint8Array;
  costMs: number;
}

interface Pending {
  resolve: (rendered: RenderedFrame) => void;
  reject: (error: Error) => void;
}

/**
 * A model on two threads of its own: the session's (inference-worker.ts), which only infers, and the
 * pixel thread (pixel-worker.ts), which makes tensors of frames and frames of results while the session
 * infers. They talk over a port of their own; the frame loop hands frames to the pixel thread and hears
 * when each inference starts and ends, to hand over the next frame in time.
 */
export class WorkerSession implements OrtSession {
  private readonly pendingFrames = new Map<number, Pending>();
  private readonly timing = new RunTiming();
  private nextId = 1;
  inputNames: string[] = [];
  outputNames: string[] = [];
  inputMetadata: OrtSession['inputMetadata'] = [];
  outputMetadata: OrtSession['outputMetadata'] = [];
  providerWarning: string | null = null;
  /** The provider the session runs on (the CPU after a fallback), and its adapter (webgpu). */
  provider = 'cpu';
  adapter: string | null = null;
  private released: (() => void) | null = null;

  private constructor(
    private readonly session: Worker,
    private readonly pixels: Worker,
  ) {
    session.on('message', (reply: SessionReply) => {
      if (reply.type === 'started') this.timing.started(reply.id, reply.at, reply.preMs);
      else if (reply.type === 'ran') this.timing.ran(reply.id, reply.runMs);
      else if (reply.type === 'released') this.released?.();
    });
    pixels.on('message', (reply: PixelReply) => {
      if (reply.type === 'frame') this.settle(reply.id, (p) => p.resolve({ frame: reply.frame, costMs: reply.costMs }));
      else this.settle(reply.id, (p) => p.reject(new Error(reply.message)));
    });
    for (const worker of [session, pixels]) {
      worker.on('error', (error) => this.failAll(error));
      worker.on('exit', () => this.failAll(new Error('the inference thread stopped')));
    }
  }

  static open(file: string, provider: string, options: Record<string, unknown>): Promise<WorkerSession> {
    const session = new Worker(distPath(import.meta.url, 'pipelines', 'onnx', 'inference-worker.js'));
    const pixels = new Worker(distPath(import.meta.url, 'pipelines', 'onnx', 'pixel-worker.js'));
    session.unref();
    pixels.unref();
    const opened = new WorkerSession(session, pixels);
    const { port1, port2 } = new MessageChannel();
    session.postMessage({ type: 'connect', port: port1 } satisfies SessionRequest, [port1]);
    pixels.postMessage({ type: 'connect', port: port2 } satisfies PixelRequest, [port2]);
    return new Promise((resolve, reject) => {
      const onMessage = (reply: SessionReply): void => {
        if (reply.type === 'opened') {
          Object.assign(opened, {
            inputNames: reply.inputNames, outputNames: reply.outputNames, inputMetadata: reply.inputMetadata,
            outputMetadata: reply.outputMetadata, providerWarning: reply.providerWarning, provider: reply.provider,
          });
          session.off('message', onMessage);
          resolve(opened);
        } else if (reply.type === 'error') {
          session.off('message', onMessage);
          void opened.release(); // end the threads the orderly way, even after a failed open
          reject(new Error(reply.message));
        }
      };
      session.on('message', onMessage);
      session.once('error', reject);
      session.postMessage({ type: 'open', file, options, provider } satisfies SessionRequest);
    });
  }

  renderFrame(job: FrameJob, frame: Uint8Array): Promise<RenderedFrame> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pendingFrames.set(id, { resolve, reject });
      this.timing.sent(id);
      this.pixels.postMessage({ type: 'frame', id, job, frame } satisfies PixelRequest, [frame.buffer as ArrayBuffer]);
    });
  }

  wantsNextInput(framePeriodMs: number): boolean {
    return this.timing.wantsNextInput(framePeriodMs);
  }

  inferenceMs(): number {
    return this.timing.inferenceMs;
  }

  /** Lets the frames in flight finish, releases the session on its thread, then ends both threads. */
  async release(): Promise<void> {
    const deadline = Date.now() + 3000;
    while (this.pendingFrames.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 3000);
      this.released = () => {
        clearTimeout(timer);
        resolve();
      };
      this.session.postMessage({ type: 'release' } satisfies SessionRequest);
    });
    await Promise.all([this.session.terminate(), this.pixels.terminate()]);
  }

  private settle(id: number, fn: (p: Pending) => void): void {
    this.timing.settled(id);
    const p = this.pendingFrames.get(id);
    if (!p) return;
    this.pendingFrames.delete(id);
    fn(p);
  }

  private failAll(error: Error): void {
    for (const [id, p] of this.pendingFrames) {
      this.timing.settled(id);
      p.reject(error);
    }
    this.pendingFrames.clear();
  }
}
