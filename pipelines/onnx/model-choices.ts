import fs from 'node:fs/promises';
import path from 'node:path';
import type { ParamChoice } from '../contract.js';
import type { Manifest } from './manifest.js';

/** What another manifest says of a model file: its name, and whether its inputs and outputs match. */
interface Described {
  name: string;
  signature: string;
}

/** Inputs and outputs by name and role: a model with the same ones can take this stage's place. */
function signature(m: Pick<Manifest, 'inputs' | 'outputs'>): string {
  return JSON.stringify([m.inputs.map((i) => [i.name, i.role]), m.outputs.map((o) => [o.name, o.role])]);
}

async function manifestsIn(dir: string): Promise<Map<string, Described>> {
  const described = new Map<string, Described>();
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    try {
      const m = JSON.parse(await fs.readFile(path.join(dir, name), 'utf8')) as Partial<Manifest>;
      if (typeof m.model === 'string' && Array.isArray(m.inputs) && Array.isArray(m.outputs)) {
        described.set(path.basename(m.model), { name: typeof m.name === 'string' ? m.name : m.model, signature: signature(m as Manifest) });
      }
    } catch {
      // not a manifest: it says nothing of any model
    }
  }
  return described;
}

/**
 * The model files a model stage can swap to: its manifest's own (the empty value) and every other
 * `.onnx` beside it, except those another manifest describes with other inputs or outputs (a mask
 * model is no style). A file no manifest describes is offered: loading it checks it.
 */
export async function modelChoices(manifest: Manifest & { modelPath: string }, manifestFile: string): Promise<ParamChoice[]> {
  const dir = path.dirname(manifest.modelPath);
  const own = path.basename(manifest.modelPath);
  const described = new Map([...(await manifestsIn(path.dirname(manifestFile))), ...(await manifestsIn(dir))]);
  const mine = signature(manifest);
  const files = (await fs.readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.onnx') && f !== own).sort();
  return [
    { value: '', label: `${manifest.name} (${own})` },
    ...files.filter((f) => (described.get(f)?.signature ?? mine) === mine).map((f) => ({ value: f, label: described.has(f) ? `${described.get(f)!.name} (${f})` : f })),
  ];
}
