import { parentPort, type MessagePort } from 'node:worker_threads';
import { FrameRenderer, tensorBuffers, type PreparedFrame } from './frame-job.js';
import type { InferReply, InferRequest, PixelReply, PixelRequest } from './worker-messages.js';

/**
 * A model's pixel work on a thread of its own: each frame made into the model's tensor, and each result
 * made back into a frame (post-processing, the mix). It runs beside the session's thread, so the next
 * frame's tensor is ready and the last result's picture is made while the model infers.
 */
const renderer = new FrameRenderer();
const port = parentPort!;
let session: MessagePort | null = null;
/** Frames whose inference is asked for, by id, with when their pre-processing took. */
const waiting = new Map<number, { prepared: PreparedFrame; preMs: number }>();

port.on('message', (request: PixelRequest) => {
  switch (request.type) {
    case 'connect':
      session = request.port;
      session.on('message', finish);
      return;
    case 'frame':
      try {
        const start = performance.now();
        const prepared = renderer.prepare(request.job, request.frame);
        const preMs = performance.now() - start;
        if (!session) throw new Error('no session');
        waiting.set(request.id, { prepared, preMs });
        session.postMessage({ type: 'infer', id: request.id, feeds: prepared.feeds, preMs } satisfies InferRequest, tensorBuffers(prepared.feeds));
      } catch (error) {
        fail(request.id, error);
      }
      return;
  }
});

function finish(reply: InferReply): void {
  const entry = waiting.get(reply.id);
  if (!entry) return;
  waiting.delete(reply.id);
  renderer.ran(entry.prepared, reply.inputs);
  if (reply.type === 'failed') return fail(reply.id, new Error(reply.message));
  try {
    const start = performance.now();
    const frame = renderer.finish(entry.prepared, reply.outputs);
    const costMs = Math.max(reply.runMs, entry.preMs + performance.now() - start);
    port.postMessage({ type: 'frame', id: reply.id, frame, costMs } satisfies PixelReply, [frame.buffer as ArrayBuffer]);
  } catch (error) {
    fail(reply.id, error);
  }
}

function fail(id: number, error: unknown): void {
  port.postMessage({ type: 'error', id, message: error instanceof Error ? error.message : String(error) } satisfies PixelReply);
}
