import type { MessagePort } from 'node:worker_threads';
import type { FrameJob, Tensor } from './frame-job.js';

/**
 * What the three threads of a model say to each other. The frame loop's thread hands frames to the
 * pixel thread, which makes tensors of them for the session thread and pictures of its results; the
 * two talk over a port of their own, so a frame never waits for the frame loop between them.
 */

/** Frame loop -> session thread. */
export type SessionRequest =
  | { type: 'open'; file: string; options: Record<string, unknown>; provider: string }
  | { type: 'connect'; port: MessagePort }
  | { type: 'release' };

/** Session thread -> frame loop. */
export type SessionReply =
  | { type: 'opened'; inputNames: string[]; outputNames: string[]; inputMetadata: unknown; outputMetadata: unknown; providerWarning: string | null; provider: string }
  | { type: 'released' }
  /** A frame's inference began (`at`: epoch ms, the same on every thread), its tensor made in `preMs`. */
  | { type: 'started'; id: number; at: number; preMs: number }
  /** It ended after `runMs`. */
  | { type: 'ran'; id: number; runMs: number }
  | { type: 'error'; message: string };

/** Frame loop -> pixel thread. */
export type PixelRequest =
  | { type: 'connect'; port: MessagePort }
  | { type: 'frame'; id: number; job: FrameJob; frame: Uint8Array };

/** Pixel thread -> frame loop. `costMs`: how often the model can give a frame when fed in time (its run, or its pixel work if longer). */
export type PixelReply =
  | { type: 'frame'; id: number; frame: Uint8Array; costMs: number }
  | { type: 'error'; id: number; message: string };

/** Pixel thread -> session thread. */
export interface InferRequest {
  type: 'infer';
  id: number;
  feeds: Record<string, Tensor>;
  preMs: number;
}

/** Session thread -> pixel thread: the outputs, and the input tensors back for the next frame. */
export type InferReply =
  | { type: 'inferred'; id: number; outputs: Record<string, Tensor>; inputs: Record<string, Tensor>; runMs: number }
  | { type: 'failed'; id: number; message: string; inputs: Record<string, Tensor> };
