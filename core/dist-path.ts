import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A file under the package's dist/ (worker scripts, the WebAssembly kernel), found from the calling
 * module whether it runs from source (tests) or from dist.
 */
export function distPath(fromUrl: string, ...parts: string[]): string {
  let dir = path.dirname(fileURLToPath(fromUrl));
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'dist', ...parts);
    dir = path.dirname(dir);
  }
  throw new Error(`cannot find the package folder holding dist/${parts.join('/')}`);
}

/** A file of the package itself (shipped source such as shaders), from the calling module wherever it runs. */
export function packagePath(fromUrl: string, ...parts: string[]): string {
  return path.join(path.dirname(distPath(fromUrl)), ...parts);
}
