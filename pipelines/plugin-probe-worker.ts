import { parentPort, workerData } from 'node:worker_threads';

/**
 * Imports a plugin once on a thread of its own, so that a top level that never returns (`while(true){}`)
 * holds this thread, which the loader ends after its time limit, instead of the host's.
 */
const { url } = workerData as { url: string };
import(url).then(
  () => parentPort!.postMessage({ ok: true }),
  (error: unknown) => parentPort!.postMessage({ ok: false, name: error instanceof Error ? error.name : 'Error', message: error instanceof Error ? error.message : String(error) }),
);
