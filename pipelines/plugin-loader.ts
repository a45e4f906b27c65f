import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { distPath } from '../core/dist-path.js';
import { describeError } from '../core/errors.js';
import type { PipelineRegistry } from './registry.js';

const IMPORT_TIMEOUT_MS = 5_000;
const MODULE_EXTENSIONS = ['.js', '.mjs'];

export interface PluginLoadResult {
  loaded: string[];
  failed: { source: string; reason: string }[];
}

/**
 * Loads every plugin in a folder: a `.js`/`.mjs` file, or a sub-folder holding a package (its
 * package.json `main`, else index.js). Each default export must be a pipeline definition.
 * A plugin that fails to import, hangs, or is invalid is listed as failed with the reason; the rest load.
 */
export async function loadPlugins(dir: string, registry: PipelineRegistry, importTimeoutMs = IMPORT_TIMEOUT_MS): Promise<PluginLoadResult> {
  const result: PluginLoadResult = { loaded: [], failed: [] };
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    const failure = { source: dir, reason: `cannot read plugins folder: ${describeError(error)}` };
    result.failed.push(failure);
    registry.failed.push(failure);
    return result;
  }
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    const modulePath = entry.isDirectory() ? packageEntry(full) : MODULE_EXTENSIONS.includes(path.extname(entry.name)) ? full : null;
    if (!modulePath) continue;
    try {
      // First on a thread of its own: a top level that loops forever is ended there, not here.
      await probeImport(pathToFileURL(modulePath).href, importTimeoutMs);
      const mod = (await withTimeout(import(pathToFileURL(modulePath).href), importTimeoutMs, `import did not finish within ${importTimeoutMs / 1000} s`)) as {
        default?: unknown;
      };
      if (mod.default === undefined) throw new Error('has no default export (expected a pipeline definition)');
      const definition = registry.register(mod.default, path.relative(process.cwd(), modulePath) || modulePath);
      result.loaded.push(definition.id);
    } catch (error) {
      // "SyntaxError: Unexpected identifier" tells a plugin author more than the bare message.
      const reason = error instanceof Error && error.name !== 'Error' && error.name !== 'VjError' ? `${error.name}: ${error.message}` : describeError(error);
      const failure = { source: modulePath, reason };
      result.failed.push(failure);
      registry.failed.push(failure);
    }
  }
  return result;
}

/** Imports the module on a worker thread; rejects with its error, or when it has not finished in time (the thread is ended). */
function probeImport(url: string, ms: number): Promise<void> {
  const worker = new Worker(distPath(import.meta.url, 'pipelines', 'plugin-probe-worker.js'), { workerData: { url }, stdout: false, stderr: false });
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`its top level did not finish within ${ms / 1000} s (an endless loop?); not loaded`));
    }, ms);
    worker.once('message', (reply: { ok: boolean; name?: string; message?: string }) => {
      clearTimeout(timer);
      void worker.terminate();
      if (reply.ok) resolve();
      else {
        const error = new Error(reply.message);
        error.name = reply.name ?? 'Error';
        reject(error);
      }
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    // The thread ran out of work without the import settling: a top-level await that never settles.
    worker.once('exit', () => {
      clearTimeout(timer);
      reject(new Error('its top level never finishes (an await that never settles); not loaded'));
    });
  });
}

function packageEntry(folder: string): string | null {
  const pkgFile = path.join(folder, 'package.json');
  if (fs.existsSync(pkgFile)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { main?: unknown; exports?: unknown };
      const main = typeof pkg.exports === 'string' ? pkg.exports : typeof pkg.main === 'string' ? pkg.main : 'index.js';
      return path.resolve(folder, main);
    } catch {
      return path.join(folder, 'package.json'); // import of the json fails with a clear message
    }
  }
  for (const name of ['index.js', 'index.mjs']) {
    const candidate = path.join(folder, name);
    if (fs.existsSync(candidate)) return candidate;
  }
  return null;
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    // Not unref'd: a module stuck in top-level await holds no handle, so this timer must keep the process alive.
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
