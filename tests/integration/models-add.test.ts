import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeMetadataProp, MANIFEST_KEY, readMetadataProps } from '../../pipelines/onnx/onnx-metadata.js';
import { onnxPipeline } from '../../pipelines/onnx/onnx-pipeline.js';
import { registerModels } from '../../pipelines/onnx/register-models.js';
import { PipelineRegistry } from '../../pipelines/registry.js';
import { createFrame } from '../../core/frame.js';
import { repoRoot, runCli, tempDir } from '../helpers/host-process.js';
import { harness } from '../helpers/pipeline-harness.js';

// The real CLI adding real models (the project's models/), from a file and over HTTP from a server on 127.0.0.1.
const models = path.join(repoRoot, 'models');
const dirs: string[] = [];
const folder = (label: string): string => {
  const d = tempDir(label);
  dirs.push(d);
  return d;
};
let server: http.Server;
let base = '';
beforeAll(async () => {
  server = http.createServer((req, res) => {
    const file = path.join(models, path.basename(req.url ?? ''));
    if (!fs.existsSync(file)) {
      res.writeHead(404).end('not here');
      return;
    }
    res.writeHead(200, { 'content-length': fs.statSync(file).size });
    // In pieces with pauses, as a network delivers it (a local read could arrive in one chunk).
    fs.createReadStream(file, { highWaterMark: 256 * 1024 }).on('data', function (this: fs.ReadStream, chunk) {
      res.write(chunk);
      this.pause();
      setTimeout(() => this.resume(), 5);
    }).on('end', () => res.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('vj-host models add', () => {
  it('copies a model with its sha256 and the matching example manifest; the host then lists it', async () => {
    const dir = folder('models-file');
    const added = await runCli(['models', 'add', path.join(models, 'style-candy-9.onnx'), '--models', dir]);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/added style-candy: .*style-candy-9\.onnx \(sha256 c3fb0fbc/);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'style-candy.json'), 'utf8')) as { model: string; sha256: string };
    expect(manifest).toMatchObject({ model: 'style-candy-9.onnx', sha256: 'c3fb0fbcbc1721a5bb9d3fe0525ece3389736a67a6474c5eae1ba2d4b6bca553' });
    expect(fs.statSync(path.join(dir, 'style-candy-9.onnx')).size).toBe(6_725_161);
    const listed = await runCli(['--models', dir, '--list-pipelines']);
    expect(listed.stdout).toMatch(/^style-candy\s+effect/m);
  });

  it('downloads from a URL with progress, then checks it like a file', async () => {
    const dir = folder('models-url');
    const added = await runCli(['models', 'add', `${base}/deeplabv3-mnv2-257.onnx`, '--models', dir]);
    expect(added.code).toBe(0);
    const steps = added.stderr.trim().split('\n');
    expect(steps.length).toBeGreaterThan(1);
    expect(steps.every((line) => /^downloading \d+% \(\d\.\d of 2\.8 MB\)$/.test(line))).toBe(true);
    expect(steps.at(-1)).toBe('downloading 100% (2.8 of 2.8 MB)');
    expect(added.stdout).toMatch(/added deeplab-person: .*deeplabv3-mnv2-257\.onnx \(sha256 48a46b34/);
    expect(fs.readdirSync(dir).sort()).toEqual(['deeplab-person.json', 'deeplabv3-mnv2-257.onnx']);
  });

  it('refuses clearly: a missing URL, a model no manifest describes, a bad name; nothing half-written is left', async () => {
    const dir = folder('models-bad');
    const missing = await runCli(['models', 'add', `${base}/nope.onnx`, '--models', dir]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/download of .*nope\.onnx failed: HTTP 404/);
    const unknown = path.join(folder('unknown'), 'mystery.onnx');
    // A real model, changed by one note: no example manifest knows its checksum.
    fs.writeFileSync(unknown, Buffer.concat([fs.readFileSync(path.join(models, 'super-resolution-10.onnx')), encodeMetadataProp('note', 'mine')]));
    const noManifest = await runCli(['models', 'add', unknown, '--models', dir]);
    expect(noManifest.code).toBe(2);
    expect(noManifest.stderr).toMatch(/no manifest for this model \(sha256 [0-9a-f]{64}\): give one with --manifest/);
    const withManifest = await runCli(['models', 'add', unknown, '--manifest', path.join(repoRoot, 'models', 'manifests', 'super-resolution.json'), '--id', 'my-sr', '--models', dir]);
    expect(withManifest.code).toBe(0);
    expect(fs.readdirSync(dir).sort()).toEqual(['my-sr.json', 'mystery.onnx']);
    const truncated = path.join(path.dirname(unknown), 'cut.onnx');
    fs.writeFileSync(truncated, fs.readFileSync(path.join(models, 'super-resolution-10.onnx')).subarray(0, 1000));
    const cut = await runCli(['models', 'add', truncated, '--models', dir]);
    expect(cut.code).toBe(2);
    expect(cut.stderr).toMatch(/not an ONNX model: the protobuf is truncated/);
    const badName = await runCli(['models', 'add', `${base}/..%2Fescape.onnx`, '--models', dir]);
    expect(badName.code).toBe(2);
    expect(badName.stderr).toMatch(/is not a usable model file name/);
    expect(fs.readdirSync(dir).sort()).toEqual(['my-sr.json', 'mystery.onnx']);
    const text = path.join(path.dirname(unknown), 'notes.onnx');
    fs.writeFileSync(text, 'these are my notes, not a model\n');
    const notModel = await runCli(['models', 'add', text, '--manifest', path.join(repoRoot, 'models', 'manifests', 'super-resolution.json'), '--models', dir]);
    expect([notModel.code, notModel.stderr.trim()]).toEqual([2, expect.stringMatching(/^vj-host models add: (not an ONNX model|notes\.onnx is not an ONNX model)/)]);
    const absent = await runCli(['models', 'add', path.join(path.dirname(unknown), 'absent.onnx'), '--models', dir]);
    expect([absent.code, absent.stderr.trim()]).toEqual([2, `vj-host models add: no such file: ${path.join(path.dirname(unknown), 'absent.onnx')}`]);
    expect(fs.readdirSync(dir).sort()).toEqual(['my-sr.json', 'mystery.onnx']);
    const usage = await runCli(['models', 'remove', 'x']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/Usage: vj-host models add/);
  });
});

describe('manifests carried by the model', () => {
  it('reads metadata_props (licence notes of the style models)', () => {
    const props = readMetadataProps(fs.readFileSync(path.join(models, 'style-candy-9.onnx')));
    expect(props.license).toMatch(/BSD-3-Clause/);
  });

  it('an .onnx with an embedded manifest in the models folder becomes a pipeline, and runs', async () => {
    const dir = folder('embedded');
    const manifest = {
      id: 'sr-embedded', name: 'Super-resolution (embedded manifest)', model: 'ignored.onnx',
      inputs: [{ name: 'input', role: 'image', layout: 'NCHW', channels: 'Y', range: '0..1', size: { mode: 'fixed', width: 224, height: 224 } }],
      outputs: [{ name: 'output', role: 'luma', layout: 'NCHW', range: '0..1' }],
    };
    const bytes = fs.readFileSync(path.join(models, 'super-resolution-10.onnx'));
    fs.writeFileSync(path.join(dir, 'sr.onnx'), Buffer.concat([bytes, encodeMetadataProp(MANIFEST_KEY, JSON.stringify(manifest))]));
    const registry = new PipelineRegistry();
    expect(registerModels(dir, registry)).toEqual({ loaded: ['sr-embedded'], failed: [] });
    const h = await harness(registry.get('sr-embedded')!, { width: 96, height: 96 });
    const input = createFrame(96, 96);
    input.data.fill(128);
    const out = await h.instance.process(input, h.params, h.step());
    expect([out.width, out.height]).toEqual([96, 96]);
    await h.instance.dispose();
  });

  it('a model that is not the one its manifest names (sha256) is refused when opened', async () => {
    const dir = folder('sha');
    fs.copyFileSync(path.join(models, 'style-mosaic-9.onnx'), path.join(dir, 'style-candy-9.onnx'));
    fs.copyFileSync(path.join(repoRoot, 'models', 'manifests', 'style-candy.json'), path.join(dir, 'style-candy.json'));
    await expect(harness(onnxPipeline(path.join(dir, 'style-candy.json')), { width: 64, height: 36 })).rejects.toThrow(/is not the one its manifest names \(sha256 1656c8ff.*expected c3fb0fbc/);
  });
});
