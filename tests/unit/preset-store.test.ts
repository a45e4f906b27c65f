import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PresetStore } from '../../presets/preset-store.js';
import { tempDir } from '../helpers/host-process.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function store(): PresetStore {
  const dir = tempDir('presets');
  dirs.push(dir);
  return new PresetStore(dir);
}

describe('preset store', () => {
  it('saves, lists and loads presets by bank, keeping the created time on update', async () => {
    const s = store();
    const first = await s.save({ name: 'Sunrise', params: { '/mixer/crossfade': 0.25 }, slot: 3 });
    expect(first).toMatchObject({ version: 2, bank: 'default', tags: [], transition: { mode: 'instant', quantize: 'none' } });
    await s.save({ name: 'Storm', bank: 'Set 2', params: { '/clock/bpm': 140 } });
    const again = await s.save({ name: 'Sunrise', params: { '/mixer/crossfade': 0.5 }, slot: 3 });
    expect(again.created).toBe(first.created);
    expect((await s.list()).presets.map((p) => `${p.bank}/${p.name}`)).toEqual(['Set 2/Storm', 'default/Sunrise']);
    expect((await s.load('default', 'Sunrise')).params).toEqual({ '/mixer/crossfade': 0.5 });
    expect((await s.find('default', 3))?.name).toBe('Sunrise');
    expect(fs.readdirSync(path.join(s.dir, 'default'))).toEqual(['Sunrise.json']); // no temp files left behind
  });

  it.each([['../../etc/passwd'], ['/etc/passwd'], ['a\0b'], ['..'], ['a/b'], ['a\\b'], ['.hidden'], [''], ['x'.repeat(101)]])('refuses the name %j', async (name) => {
    const s = store();
    await expect(s.save({ name, params: {} })).rejects.toThrow(/refused|invalid/);
    await expect(s.load('default', name)).rejects.toThrow(/refused/);
    expect(fs.readdirSync(s.dir)).toEqual([]);
  });

  it('refuses bank names that leave the folder', async () => {
    await expect(store().save({ name: 'ok', bank: '../x', params: {} })).rejects.toThrow();
  });

  it('reports and skips a corrupt, an unknown-version and an invalid file; lists the rest; migrates version 1', async () => {
    const s = store();
    await s.save({ name: 'Good', params: { '/clock/bpm': 128 } });
    const bank = path.join(s.dir, 'default');
    fs.writeFileSync(path.join(bank, 'Broken.json'), '{ "version": 2, "name": "Broken", "par');
    fs.writeFileSync(path.join(bank, 'Future.json'), JSON.stringify({ version: 9, name: 'Future', params: {} }));
    fs.writeFileSync(path.join(bank, 'Wrong.json'), JSON.stringify({ version: 2, name: 'Wrong', params: 'none', created: 'x', updated: 'y', transition: {} }));
    fs.writeFileSync(path.join(bank, 'Old.json'), JSON.stringify({ version: 1, name: 'Old', bank: 'default', params: { '/mixer/crossfade': 1 }, morphSeconds: 4, tags: [], created: '2025-01-01T00:00:00Z', updated: '2025-01-01T00:00:00Z' }));
    const { presets, problems } = await s.list();
    expect(presets.map((p) => p.name)).toEqual(['Good', 'Old']);
    expect(presets[1]!.transition).toMatchObject({ mode: 'morph', duration: 4, unit: 'seconds' });
    expect(problems.map((p) => path.basename(p.file))).toEqual(['Broken.json', 'Future.json', 'Wrong.json']);
    expect(problems[0]!.reason).toMatch(/not valid JSON/);
    expect(problems[1]!.reason).toMatch(/unknown preset version 9/);
    expect(problems[2]!.reason).toMatch(/params: must be object/);
  });

  it('exports a bank as one file and imports it elsewhere, one bad entry not sinking the rest', async () => {
    const a = store();
    await a.save({ name: 'One', bank: 'live', params: { '/clock/bpm': 100 }, slot: 0 });
    await a.save({ name: 'Two', bank: 'live', params: { '/clock/bpm': 110 }, slot: 1 });
    const exported = await a.exportBank('live');
    exported.presets.push({ ...exported.presets[0]!, name: '../evil' });
    const b = store();
    const result = await b.importBank(JSON.parse(JSON.stringify(exported)), 'imported');
    expect(result.imported).toEqual(['One', 'Two']);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(/presets\[2\]: .*refused/);
    expect((await b.list('imported')).presets.map((p) => p.slot)).toEqual([0, 1]);
    expect((await b.importBank({ hello: 1 })).problems).toEqual(['not a vj-host bank file (format "vj-host-bank" with a presets list)']);
  });
});
