import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli, tempDir, writeJson } from '../helpers/host-process.js';

const dir = tempDir('cli-errors');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const deck = (chain: unknown[]) => ({ id: 'a', source: { pipeline: 'test-pattern', params: {} }, chain });

describe('vj-host command line: bad input stops start-up with exit 2 and names the field', () => {
  it.each([
    ['out-of-range value', { decks: [deck([{ pipeline: 'feedback' }, { pipeline: 'feedback', params: { zoom: 5 } }])] }, 'decks[0].chain[1].params.zoom: must be <= 4'],
    ['unknown pipeline id', { decks: [deck([{ pipeline: 'kaleido' }])] }, 'decks[0].chain[0].pipeline: unknown pipeline "kaleido"'],
    ['wrong type', { fps: '30', decks: [deck([])] }, 'fps: must be number'],
    ['not JSON', '{ "decks": [ oops ] }', 'is not valid JSON'],
    ['missing file', null, 'cannot read show file'],
  ])('%s', async (name, content, message) => {
    const file = content === null ? path.join(dir, 'nope.json') : writeJson(dir, `${name.replace(/\W/g, '-')}.json`, content);
    const { code, stderr } = await runCli(['--show', file]);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it('a show with 40,000 unknown fields: exit 2 with 20 problems and a count, at once', async () => {
    const doc: Record<string, unknown> = { decks: [deck([])] };
    for (let i = 0; i < 40_000; i++) doc[`junk${i}`] = i;
    const { code, stderr } = await runCli(['--show', writeJson(dir, 'junk.json', doc)]);
    expect(code).toBe(2);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(22); // the heading, 20 problems, the count
    expect(lines[1]).toBe('  junk0: is not a known field');
    expect(lines[21]).toBe('  … and 39980 more problems');
  });

  it('a show nested 10,000 levels deep is a bad show (exit 2), not a crash', async () => {
    const file = path.join(dir, 'deep.json');
    fs.writeFileSync(file, `{"decks":[],"mixer":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`);
    const { code, stderr } = await runCli(['--show', file]);
    expect([code, stderr.trim()]).toEqual([2, `vj-host: ${file} is invalid:\n  (root): nested deeper than 64 levels`]);
  });

  it('rejects bad options with exit 2 and a pointer to --help', async () => {
    const unknown = await runCli(['--colour', 'red']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option '--colour'.*\n.*--help/s);
    const fps = await runCli(['--fps', '0']);
    expect(fps.code).toBe(2);
    expect(fps.stderr).toContain('--fps: must be a number from 1 to 240');
    const size = await runCli(['--size', '1920by1080']);
    expect(size.code).toBe(2);
    expect(size.stderr).toContain('--size: must be WIDTHxHEIGHT');
  });

  it('prints help and the version', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: vj-host \[options\][\s\S]*--show <file>[\s\S]*--size <WxH>/);
    const version = await runCli(['--version']);
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    expect(version.stdout.trim()).toBe(pkg.version);
  });

  it('lists built-in and plugin pipelines, with broken plugins marked failed and the reason', async () => {
    const { code, stdout } = await runCli(['--plugins', path.join(repoRoot, 'tests', 'fixtures', 'plugins-broken'), '--list-pipelines'], { timeoutMs: 20_000 });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^feedback\s+effect\s+builtin/m);
    expect(stdout).toMatch(/^folder-plugin\s+generator\s+.*main\.js/m);
    expect(stdout).toMatch(/FAILED\s+.*syntax-error\.mjs\n\s+SyntaxError|FAILED\s+.*syntax-error\.mjs\n\s+Unexpected/);
    expect(stdout).toMatch(/FAILED\s+.*missing-default-param\.mjs\n\s+.*params\.gain: needs a default/);
    expect(stdout).toMatch(/FAILED\s+.*hangs\.mjs\n\s+its top level never finishes/);
    // A top level that loops forever is ended on its own thread: the host lists it and goes on.
    expect(stdout).toMatch(/FAILED\s+.*loops\.mjs\n\s+its top level did not finish within 5 s \(an endless loop\?\)/);
  });
});
