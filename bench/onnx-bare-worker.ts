import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

/**
 * The onnx bench's baseline: a bare session on a thread of its own (as the pipeline's session runs), the
 * same model, options, provider and input tensor, running `session.run` back to back when asked and
 * answering each run's time. Nothing else: no frames, no pixel work.
 */
interface Ort {
  InferenceSession: { create(file: string, o: object): Promise<{ run(f: object): Promise<Record<string, { data: Float32Array }>>; release(): Promise<void> }> };
  Tensor: new (t: 'float32', d: Float32Array, dims: number[]) => object;
}
export interface BareWorkerData {
  model: string;
  provider: string;
  input: string;
  output: string;
  tensor: Float32Array;
  dims: number[];
}

const ort = createRequire(import.meta.url)('onnxruntime-node') as Ort;
const data = workerData as BareWorkerData;
const port = parentPort!;
const session = await ort.InferenceSession.create(data.model, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all', logSeverityLevel: 3, executionProviders: [data.provider] });
const feeds = { [data.input]: new ort.Tensor('float32', data.tensor, data.dims) };

let last: Float32Array = new Float32Array(0);

port.on('message', (request: { runs: number } | 'output' | 'release') => {
  void (async () => {
    if (request === 'release') {
      await session.release();
      port.postMessage('released');
      return;
    }
    if (request === 'output') {
      port.postMessage(last);
      return;
    }
    const times: number[] = [];
    for (let i = 0; i < request.runs; i++) {
      const t = performance.now();
      const outputs = await session.run(feeds);
      times.push(performance.now() - t);
      last = new Float32Array(outputs[data.output]!.data);
    }
    port.postMessage(times);
  })();
});
port.postMessage('ready');
