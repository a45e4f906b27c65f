import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium.js';
import { startHost, surfaceUrl, tempDir, writeJson, type HostProcess } from '../helpers/host-process.js';
import { until } from '../helpers/until.js';

// A host that goes away under a live page and comes back on the same address: the real host twice,
// the real page in Debian's chromium.
let browser: Browser;
const hosts: HostProcess[] = [];

beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  for (const h of hosts) await h.stop();
});

describe('the control surface when the host goes away', () => {
  it('says OFFLINE over the preview, drops moves made meanwhile, and shows the restarted host\'s own state', async () => {
    const first = startHost(['--size', '320x180', '--no-status']);
    hosts.push(first);
    const base = await surfaceUrl(first);
    const port = new URL(base).port;
    const page = await (await browser.newContext({ viewport: { width: 1024, height: 768 }, hasTouch: true })).newPage();
    await page.goto(`${base}/`);
    const fader = page.locator('input[data-path="/mixer/crossfade"]');
    await fader.waitFor({ timeout: 10_000 });
    await fetch(`${base}/api/params`, { method: 'PATCH', body: JSON.stringify({ changes: { '/mixer/crossfade': 0.3 } }), headers: { 'content-type': 'application/json' } });
    await until(async () => Number(await fader.inputValue()) === 0.3, 5000, 'the page at 0.3');
    expect(await page.locator('.offline-overlay').count()).toBe(0);

    await first.stop();
    await page.locator('.offline-overlay').waitFor({ timeout: 10_000 });
    expect(await page.locator('header .link').textContent()).toBe('offline');
    // Moves while it is down: not kept for the next host.
    await fader.fill('0.9');
    await fader.fill('0.7');

    const second = startHost(['--size', '320x180', '--no-status', '--ui-port', port]);
    hosts.push(second);
    expect(new URL(await surfaceUrl(second)).port).toBe(port);
    await until(async () => (await page.locator('header .link').textContent()) === 'live', 20_000, 'the page live again');
    await until(async () => (await page.locator('.offline-overlay').count()) === 0, 5000, 'the OFFLINE sign gone');
    const hostValue = ((await (await fetch(`${base}/api/params/mixer/crossfade`)).json()) as { base: number }).base;
    expect(hostValue).toBe(0);
    await until(async () => Number(await fader.inputValue()) === hostValue, 5000, 'the page showing the host\'s value');
    expect(await page.locator('.problems').count()).toBe(0);
    await page.context().close();
  }, 60_000);

  it('on load, every control shows the host\'s base value and mode (a show with crossfade 0.5 in screen mode)', async () => {
    const dir = tempDir('load-state');
    try {
      const show = writeJson(dir, 'show.json', {
        name: 'loaded', size: '320x180', mixer: { crossfade: 0.5, mode: 'screen' },
        decks: [{ id: 'a', source: { pipeline: 'test-pattern' }, chain: [{ pipeline: 'feedback', params: { zoom: 1.5, key: 'luma' } }] }, { id: 'b', source: { pipeline: 'gradient' } }],
        outputs: [], osc: { enabled: false }, oscquery: { enabled: false }, presets: { dir: path.join(dir, 'presets'), autosave: false },
      });
      const host = startHost(['--show', show, '--no-status']);
      hosts.push(host);
      const base = await surfaceUrl(host);
      const page = await (await browser.newContext({ viewport: { width: 1024, height: 768 } })).newPage();
      await page.goto(`${base}/`);
      await page.locator('input[data-path="/mixer/crossfade"]').waitFor({ timeout: 10_000 });
      const { params } = (await (await fetch(`${base}/api/params`)).json()) as { params: { path: string; base: unknown }[] };
      const hostBase = new Map(params.map((p) => [p.path, p.base]));
      expect(hostBase.get('/mixer/mode')).toBe('screen');
      const shown: [string, string][] = [];
      for (const el of await page.locator('select[data-path], input[type="range"][data-path], input[type="text"][data-path]').all()) {
        shown.push([(await el.getAttribute('data-path'))!, await el.inputValue()]);
      }
      expect(shown.length).toBeGreaterThan(10);
      const differ = shown.filter(([p, v]) => {
        const b = hostBase.get(p);
        // A log fader shows log2 of its value.
        const zoomed = p.endsWith('/zoom') ? Math.log2(Number(b)) : b;
        return typeof b === 'number' ? Math.abs(Number(v) - Number(zoomed)) > 1e-6 : v !== String(b);
      });
      expect(differ).toEqual([]);
      expect(await page.locator('select[data-path="/mixer/mode"]').inputValue()).toBe('screen');
      await page.context().close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
