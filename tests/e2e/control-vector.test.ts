import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, tempDir, writeJson } from '../helpers/host-process.js';
import { useSurface } from '../helpers/surface.js';
import { until } from '../helpers/until.js';

// A plugin's vector parameter (the spotlight's centre) drawn by the real page as one XY pad.
const dir = tempDir('vector-ui');

const surface = useSurface(() => {
  const show = writeJson(dir, 'show.json', {
    name: 'spot', size: '320x180',
    decks: [{ id: 'a', source: { pipeline: 'test-pattern' }, chain: [{ pipeline: 'spotlight' }] }],
    outputs: [], osc: { enabled: false }, oscquery: { enabled: false }, presets: { dir: path.join(dir, 'presets'), autosave: false },
  });
  return ['--show', show, '--plugins', path.join(repoRoot, 'tests', 'fixtures', 'plugins-good'), '--no-status'];
}, () => fs.rmSync(dir, { recursive: true, force: true }));

describe('a vector parameter on the control surface', () => {
  it('is one XY pad: a touch a quarter across and three quarters down sets the point', async () => {
    const page = await (await surface.browser.newContext({ viewport: { width: 1024, height: 768 }, hasTouch: true })).newPage();
    await page.goto(`${surface.base}/`);
    const pad = page.locator('[data-xy="/deck/a/fx/0/center"]');
    await pad.waitFor({ timeout: 10_000 });
    const box = (await pad.boundingBox())!;
    await page.touchscreen.tap(box.x + box.width * 0.25, box.y + box.height * 0.75);
    const read = async (): Promise<number[]> => ((await (await fetch(`${surface.base}/api/params/deck/a/fx/0/center`)).json()) as { base: number[] }).base;
    await until(async () => Math.abs((await read())[0]! - 0.25) < 0.02, 5000, 'the centre moved');
    const [x, y] = await read();
    expect(x).toBeCloseTo(0.25, 1);
    expect(y).toBeCloseTo(0.75, 1);
  });
});
