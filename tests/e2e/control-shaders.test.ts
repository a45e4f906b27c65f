import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, uniqueShmName, writeJson } from '../helpers/host-process.js';
import { useSurface } from '../helpers/surface.js';

// GPU effects on the surface (real host on lavapipe, Debian's chromium): filed by category in the chain
// browser, a shader plugin's GPU time, and its compile error when a save breaks it.
// The folder is made when the host starts (not when the file is loaded), and removed after it.
let dir = '';
let shader = '';
const TINT = `/*{ "NAME": "Tint", "CATEGORIES": ["Colour"], "INPUTS": [{ "NAME": "amount", "TYPE": "float", "DEFAULT": 0.5 }] }*/
fn render(uv: vec2f) -> vec4f {
  let c = input(uv);
  return vec4f(c.r, c.g * (1.0 - params.amount), c.b, c.a);
}
`;
const shm = uniqueShmName('surface-shaders');
const surface = useSurface(() => {
  dir = tempDir('surface-shaders');
  shader = path.join(dir, 'tint.wgsl');
  fs.writeFileSync(shader, TINT);
  const show = writeJson(dir, 'show.json', {
    size: '320x180', decks: [{ id: 'a', source: { pipeline: 'test-pattern' }, chain: [{ pipeline: 'tint' }] }], outputs: [{ type: 'shm', name: shm }],
  });
  return ['--show', show, '--plugins', dir, '--no-status'];
}, () => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(path.join('/dev/shm', shm), { force: true });
});

describe('GPU effects on the surface', () => {
  it('the chain browser files effects by category; a shader\'s GPU time shows, and a broken save shows its line and column', async () => {
    const page = await surface.openPage();
    const geometry = page.locator('[data-role="effect-choice"] optgroup[label="Geometry"] option', { hasText: 'Kaleidoscope' });
    await geometry.first().waitFor({ state: 'attached', timeout: 10_000 });
    expect(await page.locator('[data-role="effect-choice"] optgroup[label="Colour"] option', { hasText: 'Tint' }).count()).toBeGreaterThan(0);
    const state = page.locator('[data-stage-state="/deck/a/fx/0"]');
    await expect.poll(async () => (await state.textContent()) ?? '', { timeout: 10_000 }).toMatch(/GPU/);
    fs.writeFileSync(shader, TINT.replace('let c = input(uv);', 'let c = input(uv)'));
    await expect.poll(async () => (await state.locator('.error').textContent({ timeout: 500 }).catch(() => '')) ?? '', { timeout: 10_000 }).toMatch(/tint\.wgsl:4:\d+: /);
    await page.context().close();
  });
});
