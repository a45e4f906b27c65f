import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';
import { FrameRenderer, type FrameJob } from './frame-job.js';

/**
 * One model's session on its own thread. onnxruntime-node's run() keeps the calling thread busy for the
 * whole inference, so it never runs on the frame loop's thread: the loop hands over input tensors and
 * picks up results, and keeps its frame rate whatever the model's.
 */
interface Tensor {
  data: Float32Array;
  dims: number[];
}
interface Session {
  inputNames: string[];
  outputNames: string[];
  inputMetadata?: unknown;
  outputMetadata?: unknown;
  run(feeds: Record<string, unknown>): Promise<Record<string, Tensor>>;
  release(): Promise<void>;
}
interface Ort {
  InferenceSession: { create(file: string, options: Record<string, unknown>): Promise<Session> };
  Tensor: new (type: 'float32', data: Float32Array, dims: number[]) => unknown;
  listSupportedBackends?: () => { name: string }[];
}

export type WorkerRequest =
  | { type: 'open'; file: string; options: Record<string, unknown>; provider: string }
  | { type: 'run'; id: number; feeds: Record<string, Tensor> }
  | { type: 'frame'; id: number; job: FrameJob; frame: Uint8Array }
  | { type: 'release' };

export type WorkerReply =
  | { type: 'opened'; inputNames: string[]; outputNames: string[]; inputMetadata: unknown; outputMetadata: unknown; providerWarning: string | null; provider: string }
  | { type: 'released' }
  | { type: 'result'; id: number; outputs: Record<string, Tensor> }
  | { type: 'frame'; id: number; frame: Uint8Array }
  | { type: 'error'; id?: number; message: string };

const ort = createRequire(import.meta.url)('onnxruntime-node') as Ort;
const renderer = new FrameRenderer();
let session: Session | null = null;
const port = parentPort!;

port.on('message', (request: WorkerRequest) => {
  void handle(request).catch((error: unknown) =>
    port.postMessage({ type: 'error', id: 'id' in request ? request.id : undefined, message: error instanceof Error ? error.message : String(error) } satisfies WorkerReply),
  );
});

async function handle(request: WorkerRequest): Promise<void> {
  switch (request.type) {
    case 'open': {
      // A provider this build or machine lacks falls back to the CPU, with a warning naming it.
      let providers = ['cpu'];
      let providerWarning: string | null = null;
      if (request.provider !== 'cpu') {
        const available = (ort.listSupportedBackends?.() ?? []).map((b) => b.name);
        if (available.includes(request.provider)) providers = [request.provider, 'cpu'];
        else providerWarning = `execution provider "${request.provider}" is not available here (available: ${available.join(', ') || 'cpu'}); using the CPU`;
      }
      try {
        session = await ort.InferenceSession.create(request.file, { ...request.options, executionProviders: providers });
      } catch (error) {
        if (providers[0] === 'cpu') throw error;
        // The provider is there but cannot start (no adapter, a driver error): the CPU, saying why.
        providerWarning = `execution provider "${providers[0]}" could not start (${error instanceof Error ? error.message : String(error)}); using the CPU`;
        providers = ['cpu'];
        session = await ort.InferenceSession.create(request.file, { ...request.options, executionProviders: providers });
      }
      port.postMessage({
        type: 'opened', inputNames: [...session.inputNames], outputNames: [...session.outputNames],
        inputMetadata: JSON.parse(JSON.stringify(session.inputMetadata ?? [])) as unknown,
        outputMetadata: JSON.parse(JSON.stringify(session.outputMetadata ?? [])) as unknown,
        providerWarning,
        provider: providers[0]!,
      } satisfies WorkerReply);
      return;
    }
    case 'run': {
      if (!session) throw new Error('no session');
      const feeds = Object.fromEntries(Object.entries(request.feeds).map(([name, t]) => [name, new ort.Tensor('float32', t.data, t.dims)]));
      const results = await session.run(feeds);
      const outputs: Record<string, Tensor> = {};
      const transfer: ArrayBuffer[] = [];
      for (const [name, t] of Object.entries(results)) {
        const data = new Float32Array(t.data); // own copy: ORT may reuse its buffer
        outputs[name] = { data, dims: [...t.dims] };
        transfer.push(data.buffer);
      }
      port.postMessage({ type: 'result', id: request.id, outputs } satisfies WorkerReply, transfer);
      return;
    }
    case 'frame': {
      const current = session;
      if (!current) throw new Error('no session');
      const frame = await renderer.render(request.job, request.frame, async (feeds) => {
        const tensors = Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, new ort.Tensor('float32', t.data, [...t.dims])]));
        return current.run(tensors);
      });
      port.postMessage({ type: 'frame', id: request.id, frame } satisfies WorkerReply, [frame.buffer as ArrayBuffer]);
      return;
    }
    case 'release':
      // Released here, on the session's own thread, before the thread is ended: ending a thread
      // while onnxruntime still holds a session aborts the whole process.
      await session?.release();
      session = null;
      port.postMessage({ type: 'released' } satisfies WorkerReply);
      return;
  }
}
