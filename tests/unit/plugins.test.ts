import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerBuiltins } from '../../pipelines/builtins/index.js';
import { loadPlugins } from '../../pipelines/plugin-loader.js';
import { checkDefinition, PipelineRegistry } from '../../pipelines/registry.js';
import { repoRoot } from '../helpers/host-process.js';

const fixtures = path.join(repoRoot, 'tests', 'fixtures');

function registry(): PipelineRegistry {
  const r = new PipelineRegistry();
  registerBuiltins(r);
  return r;
}

describe('pipeline registry and plugin loader', () => {
  it('lists every built-in with its parameters read off the schema', () => {
    const list = registry().list();
    expect(list.map((e) => e.id)).toEqual(['feedback', 'gradient', 'ndi-input', 'solid', 'test-pattern', 'video']);
    const zoom = list.find((e) => e.id === 'feedback')!.params.find((p) => p.name === 'zoom')!;
    expect(zoom).toMatchObject({ kind: 'number', min: 0.25, max: 4, default: 1, unit: 'ratio', modulatable: true });
  });

  it('loads good plugins next to the built-ins', async () => {
    const r = registry();
    const result = await loadPlugins(path.join(fixtures, 'plugins-good'), r);
    expect(result.failed).toEqual([]);
    expect(result.loaded.sort()).toEqual(['always-throws', 'invert', 'spotlight']);
    expect(r.get('invert')?.kind).toBe('effect');
    expect(r.list().find((e) => e.id === 'invert')?.origin).toMatch(/invert\.mjs$/);
  });

  it('lists each broken plugin as failed with its reason and still loads the valid one', async () => {
    const r = registry();
    const result = await loadPlugins(path.join(fixtures, 'plugins-broken'), r, 500);
    expect(result.loaded).toEqual(['folder-plugin']);
    const reasons = Object.fromEntries(result.failed.map((f) => [path.basename(f.source), f.reason]));
    expect(Object.keys(reasons).sort()).toEqual(['hangs.mjs', 'loops.mjs', 'missing-default-param.mjs', 'no-default.mjs', 'syntax-error.mjs']);
    expect(reasons['syntax-error.mjs']).toMatch(/SyntaxError|Unexpected|Parse fail/); // wording differs between Node and vitest's loader
    expect(reasons['no-default.mjs']).toMatch(/no default export/);
    expect(reasons['missing-default-param.mjs']).toMatch(/params\.gain: needs a default/);
    expect(reasons['hangs.mjs']).toMatch(/never finishes \(an await that never settles\)/);
    expect(reasons['loops.mjs']).toMatch(/did not finish within 0.5 s \(an endless loop\?\)/);
    expect(r.failed).toHaveLength(5);
  });

  it('refuses duplicate ids and definitions that break the contract, naming the field', () => {
    const r = registry();
    const base = { id: 'x', name: 'X', kind: 'effect', params: { type: 'object', properties: {} }, create: () => ({}) };
    expect(() => r.register({ ...base, id: 'feedback' })).toThrow(/already registered by builtin/);
    expect(() => checkDefinition({ ...base, id: 'Bad Id' })).toThrow(/id: must be/);
    expect(() => checkDefinition({ ...base, kind: 'sink' })).toThrow(/kind: must be one of source, generator, effect/);
    expect(() => checkDefinition({ ...base, create: 3 })).toThrow(/create: must be a function/);
    expect(() => checkDefinition({ ...base, execution: 'threaded' })).toThrow(/execution: must be one of inline, decoupled/);
    expect(() =>
      checkDefinition({ ...base, params: { type: 'object', properties: { g: { type: 'number', maximum: 1, default: 5 } } } }),
    ).toThrow(/params\(defaults\)\.g: must be <= 1/);
    expect(() => checkDefinition(null)).toThrow(/not a pipeline definition/);
    // `bypass` beside an effect's parameters is the deck's own.
    expect(() => checkDefinition({ ...base, params: { type: 'object', properties: { bypass: { type: 'boolean', default: false } } } })).toThrow(/params\.bypass: the name is the deck's own/);
  });
});
