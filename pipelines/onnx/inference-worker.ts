import { createRequire } from 'node:module';
import { parentPort, type MessagePort } from 'node:worker_threads';
import { tensorBuffers } from './frame-job.js';
import type { InferReply, InferRequest, SessionReply, SessionRequest } from './worker-messages.js';

/**
 * One model's session on its own thread. onnxruntime-node's run() keeps the calling thread busy for the
 * whole inference, so it never runs on the frame loop's thread, nor on the thread that makes tensors of
 * frames and pictures of results (pixel-worker.ts): inferences follow each other with no pixel work in
 * between, and the frame loop keeps its rate whatever the model's.
 */
interface OrtTensor {
  data: Float32Array;
  dims: readonly number[];
}
interface Session {
  inputNames: string[];
  outputNames: string[];
  inputMetadata?: unknown;
  outputMetadata?: unknown;
  run(feeds: Record<string, unknown>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}
interface Ort {
  InferenceSession: { create(file: string, options: Record<string, unknown>): Promise<Session> };
  Tensor: new (type: 'float32', data: Float32Array, dims: number[]) => unknown;
  listSupportedBackends?: () => { name: string }[];
}

const ort = createRequire(import.meta.url)('onnxruntime-node') as Ort;
let session: Session | null = null;
const port = parentPort!;
/** Inferences run one after another, in the order the pixel thread asked for them. */
let queue: Promise<void> = Promise.resolve();

port.on('message', (request: SessionRequest) => {
  void handle(request).catch((error: unknown) => port.postMessage({ type: 'error', message: describe(error) } satisfies SessionReply));
});

async function handle(request: SessionRequest): Promise<void> {
  switch (request.type) {
    case 'open':
      return open(request.file, request.options, request.provider);
    case 'connect':
      request.port.on('message', (infer: InferRequest) => {
        queue = queue.then(() => run(request.port, infer));
      });
      return;
    case 'release':
      // Released here, on the session's own thread, before the thread is ended: ending a thread
      // while onnxruntime still holds a session aborts the whole process.
      await queue;
      await session?.release();
      session = null;
      port.postMessage({ type: 'released' } satisfies SessionReply);
      return;
  }
}

async function open(file: string, options: Record<string, unknown>, provider: string): Promise<void> {
  // A provider this build or machine lacks falls back to the CPU, with a warning naming it.
  let providers = ['cpu'];
  let providerWarning: string | null = null;
  if (provider !== 'cpu') {
    const available = (ort.listSupportedBackends?.() ?? []).map((b) => b.name);
    if (available.includes(provider)) providers = [provider, 'cpu'];
    else providerWarning = `execution provider "${provider}" is not available here (available: ${available.join(', ') || 'cpu'}); using the CPU`;
  }
  try {
    session = await ort.InferenceSession.create(file, { ...options, executionProviders: providers });
  } catch (error) {
    if (providers[0] === 'cpu') throw error;
    // The provider is there but cannot start (no adapter, a driver error): the CPU, saying why.
    providerWarning = `execution provider "${providers[0]}" could not start (${describe(error)}); using the CPU`;
    providers = ['cpu'];
    session = await ort.InferenceSession.create(file, { ...options, executionProviders: providers });
  }
  port.postMessage({
    type: 'opened', inputNames: [...session.inputNames], outputNames: [...session.outputNames],
    inputMetadata: JSON.parse(JSON.stringify(session.inputMetadata ?? [])) as unknown,
    outputMetadata: JSON.parse(JSON.stringify(session.outputMetadata ?? [])) as unknown,
    providerWarning,
    provider: providers[0]!,
  } satisfies SessionReply);
}

/** One inference for the pixel thread; its input tensors go back with the result (or the failure) for reuse. */
async function run(pixels: MessagePort, { id, feeds, preMs }: InferRequest): Promise<void> {
  const inputs = tensorBuffers(feeds);
  try {
    if (!session) throw new Error('no session');
    const tensors = Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, new ort.Tensor('float32', t.data, [...t.dims])]));
    const start = performance.now();
    port.postMessage({ type: 'started', id, at: performance.timeOrigin + start, preMs } satisfies SessionReply);
    const results = await session.run(tensors);
    const runMs = performance.now() - start;
    port.postMessage({ type: 'ran', id, runMs } satisfies SessionReply);
    // Own copies: onnxruntime may reuse its buffers.
    const outputs = Object.fromEntries(Object.entries(results).map(([name, t]) => [name, { data: new Float32Array(t.data), dims: [...t.dims] }]));
    pixels.postMessage({ type: 'inferred', id, outputs, inputs: feeds, runMs } satisfies InferReply, [...tensorBuffers(outputs), ...inputs]);
  } catch (error) {
    pixels.postMessage({ type: 'failed', id, message: describe(error), inputs: feeds } satisfies InferReply, inputs);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
