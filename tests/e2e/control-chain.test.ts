import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, tempDir, uniqueShmName, writeJson } from '../helpers/host-process.js';
import { newestShmFrame } from '../helpers/shm-frame.js';
import { useSurface } from '../helpers/surface.js';
import { until } from '../helpers/until.js';

// A deck's chain edited from the real page (touch) while the real host runs; the output read back from
// its shared-memory file as any reader would (docs/shm-format.md). Deck A is a red solid; the test
// plugins give an `invert` effect.
let page: Page;
const dir = tempDir('control-chain');
const shmName = uniqueShmName('control-chain');
const shmFile = path.join('/dev/shm', shmName);

const surface = useSurface(() => {
  const show = writeJson(dir, 'show.json', {
    name: 'chain', size: '64x36',
    decks: [{ id: 'a', source: { pipeline: 'solid', params: { color: '#ff0000' } } }],
    outputs: [{ type: 'shm', name: shmName }], osc: { enabled: false }, oscquery: { enabled: false },
    presets: { dir: path.join(dir, 'presets'), autosave: false },
  });
  return ['--show', show, '--plugins', path.join(repoRoot, 'tests', 'fixtures', 'plugins-good'), '--no-status'];
}, () => {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(shmFile, { force: true });
});

beforeAll(async () => {
  page = await surface.openPage();
  await page.locator('[data-deck="a"] [data-role="effect-choice"]').waitFor({ timeout: 10_000 });
}, 60_000);

/** The middle pixel of the newest frame in the shm file. */
function outputPixel(): number[] {
  const { width, height, data } = newestShmFrame(shmFile);
  const at = ((height >> 1) * width + (width >> 1)) * 4;
  return [...data.subarray(at, at + 3)];
}

const chain = async (): Promise<string[]> => ((await (await fetch(`${surface.base}/api/decks/a`)).json()) as { chain: { pipeline: string }[] }).chain.map((e) => e.pipeline);

describe('chain editing from the surface', () => {
  it('adds an effect from the browser, bypasses and removes it; the output follows each step', async () => {
    await until(() => fs.existsSync(shmFile) && outputPixel().join() === '255,0,0', 10_000, 'red at the output');
    await page.locator('[data-deck="a"] [data-role="effect-choice"]').selectOption('invert');
    await page.locator('[data-deck="a"] [data-chain-action="add"]').tap();
    await until(async () => (await chain()).join() === 'invert', 10_000, 'invert in the chain');
    await until(() => outputPixel().join() === '0,255,255', 10_000, 'the output inverted');
    // Its controls appeared, its bypass among them.
    const bypass = page.locator('[data-deck="a"] [data-stage="fx/0"] button[data-path="/deck/a/fx/0/bypass"]');
    await bypass.waitFor({ timeout: 5000 });
    await bypass.tap();
    await until(() => outputPixel().join() === '255,0,0', 10_000, 'bypassed: red again');
    await bypass.tap();
    await until(() => outputPixel().join() === '0,255,255', 10_000, 'back in: inverted');
    await page.locator('[data-deck="a"] [data-stage="fx/0"] [data-chain-action="remove"]').tap();
    await until(async () => (await chain()).length === 0, 10_000, 'the effect removed');
    await until(() => outputPixel().join() === '255,0,0', 10_000, 'red once removed');
    // And a new source from the browser: a gradient is not a flat red.
    await page.locator('[data-deck="a"] [data-role="deck-source"]').selectOption('gradient');
    await until(async () => ((await (await fetch(`${surface.base}/api/decks/a`)).json()) as { source: { pipeline: string } }).source.pipeline === 'gradient', 10_000, 'the gradient as source');
    await until(() => outputPixel().join() !== '255,0,0', 10_000, 'the output is the gradient');
    expect(await chain()).toEqual([]);
    expect(await page.locator('[data-deck="a"] [data-stage="fx/0"]').count()).toBe(0);
  });

  it('a stage that fails says so in its own panel, and the output goes on without it', async () => {
    await page.locator('[data-deck="a"] [data-role="effect-choice"]').selectOption('always-throws');
    await page.locator('[data-deck="a"] [data-chain-action="add"]').tap();
    await until(async () => (await chain()).join() === 'always-throws', 10_000, 'the failing effect in the chain');
    const state = page.locator('[data-stage-state="/deck/a/fx/0"] .error');
    await until(async () => ((await state.textContent().catch(() => '')) ?? '').length > 0, 10_000, 'its error shown in its panel');
    const written = () => Number(fs.readFileSync(shmFile).readBigUInt64LE(56));
    const before = written();
    await until(() => written() > before + 10, 10_000, 'the output still running');
    await page.locator('[data-deck="a"] [data-stage="fx/0"] [data-chain-action="remove"]').tap();
    await until(async () => (await chain()).length === 0, 10_000, 'removed');
  });
});
