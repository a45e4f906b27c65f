import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, tempDir, uniqueShmName, writeJson } from '../helpers/host-process.js';
import { newestShmFrame } from '../helpers/shm-frame.js';
import { useSurface } from '../helpers/surface.js';
import { until } from '../helpers/until.js';

// A model stage picks its model file from a list on the real page (touch), with the real host running
// the real style models (the project's models/, linked into a models folder laid out as `vj-host models
// add` leaves one: each manifest beside its model). The output is read back from shared memory.
let page: Page;
const dir = tempDir('control-model');
const modelsDir = path.join(dir, 'models');
const shmName = uniqueShmName('control-model');
const shmFile = path.join('/dev/shm', shmName);

const surface = useSurface(() => {
  fs.mkdirSync(modelsDir);
  for (const [manifest, model] of [['style-candy', 'style-candy-9.onnx'], ['style-mosaic', 'style-mosaic-9.onnx'], ['deeplab-person', 'deeplabv3-mnv2-257.onnx']]) {
    fs.copyFileSync(path.join(repoRoot, 'models', 'manifests', `${manifest}.json`), path.join(modelsDir, `${manifest}.json`));
    fs.symlinkSync(path.join(repoRoot, 'models', model!), path.join(modelsDir, model!));
  }
  const show = writeJson(dir, 'show.json', {
    name: 'model', size: '96x54',
    decks: [{ id: 'a', source: { pipeline: 'test-pattern', params: { speed: 0, frameCode: false } }, chain: [{ pipeline: 'style-candy', params: { workingWidth: 64, workingHeight: 36, swapFade: 0 } }] }],
    outputs: [{ type: 'shm', name: shmName }], osc: { enabled: false }, oscquery: { enabled: false },
    presets: { dir: path.join(dir, 'presets'), autosave: false },
  });
  return ['--show', show, '--models', modelsDir, '--no-status'];
}, () => {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(shmFile, { force: true });
});

beforeAll(async () => {
  page = await surface.openPage();
}, 60_000);

const outputFrame = (): Uint8Array => newestShmFrame(shmFile).data;

const difference = (a: Uint8Array, b: Uint8Array): number => a.reduce((sum, v, i) => sum + Math.abs(v - b[i]!), 0) / a.length;

interface StageStatus { path: string; status?: { state: string; current: string | null } }
const stage = async (): Promise<StageStatus | undefined> => (await surface.api<{ stages: StageStatus[] }>('GET', '/stats')).stages.find((s) => s.path === '/deck/a/fx/0');

describe('a model stage on the surface', () => {
  it('picks its model file from a list of those that fit (not the mask model); the output changes to the new style', async () => {
    await until(async () => (await stage())?.status?.state === 'loaded' && fs.existsSync(shmFile), 20_000, 'the candy model loaded');
    const list = page.locator('[data-deck="a"] select[data-path="/deck/a/fx/0/model"]');
    await list.waitFor({ timeout: 10_000 });
    await until(async () => (await list.locator('option').count()) === 2, 5000, 'the list read');
    expect(await list.locator('option').allTextContents()).toEqual(['Style: candy (style-candy-9.onnx)', 'Style: mosaic (style-mosaic-9.onnx)']);
    expect(await list.inputValue()).toBe('');
    // The candy picture, steady (a still test pattern in, one model).
    let candy = outputFrame().slice();
    await until(() => {
      const now = outputFrame().slice();
      const steady = difference(now, candy) === 0;
      candy = now;
      return steady;
    }, 20_000, 'a steady candy picture');
    await list.selectOption('style-mosaic-9.onnx');
    await until(async () => (await surface.param('/deck/a/fx/0/model')) === 'style-mosaic-9.onnx', 5000, 'the host told');
    await until(async () => (await stage())?.status?.current === 'style-mosaic-9.onnx', 30_000, 'mosaic loaded');
    await until(() => difference(outputFrame(), candy) > 10, 20_000, 'the output in the mosaic style');
  });

  it('the list is asked of the host by pipeline and parameter; anything else is a clear 404', async () => {
    const ask = async (url: string) => {
      const r = await fetch(`${surface.base}/api${url}`);
      return { status: r.status, body: (await r.json()) as { error?: string; choices?: unknown[] } };
    };
    expect((await ask('/pipelines/style-mosaic/choices/model')).body.choices).toEqual([
      { value: '', label: 'Style: mosaic (style-mosaic-9.onnx)' },
      { value: 'style-candy-9.onnx', label: 'Style: candy (style-candy-9.onnx)' },
    ]);
    expect(await ask('/pipelines/nope/choices/model')).toMatchObject({ status: 404, body: { error: 'VJ_PIPELINE_UNKNOWN' } });
    expect(await ask('/pipelines/style-candy/choices/mix')).toMatchObject({ status: 404, body: { error: 'VJ_PARAM_UNKNOWN' } });
  });
});
