import fs from 'node:fs';
import path from 'node:path';

/**
 * `mkdir -p` that always returns: Node's own recursive mkdir loops forever, on the calling thread, for
 * a folder under /proc (and other places that answer ENOENT for a parent that exists). Each missing
 * folder is made on its own, and the first error is thrown with its code.
 */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let d = path.resolve(dir); !fs.statSync(d, { throwIfNoEntry: false }); d = path.dirname(d)) {
    missing.push(d);
    if (path.dirname(d) === d) break;
  }
  for (const d of missing.reverse()) {
    try {
      fs.mkdirSync(d);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
