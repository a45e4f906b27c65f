import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/host-process.js';
import { useSurface } from '../helpers/surface.js';
import { until } from '../helpers/until.js';

// The real host (CLI) serving the built UI, driven by Debian's chromium through playwright-core.
const surface = useSurface(['--size', '640x360', '--no-status']);
const requests: string[] = [];
const artifacts = path.join(repoRoot, 'tests', 'artifacts');

async function open(): Promise<Page> {
  const page = await (await surface.browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`${surface.base}/`);
  await page.locator('input[data-path="/deck/a/fx/0/zoom"]').waitFor({ timeout: 10_000 });
  return page;
}

const { api } = surface;

describe('the control surface in a real browser', () => {
  it('moving the zoom fader (a log fader: one step right of the middle doubles it) changes the host and the preview; a second page sees it move', async () => {
    const laptop = await open();
    const tablet = await open();
    // The picture's frame number and its source read together, from one render of the page.
    const shown = () => laptop.locator('.preview img').evaluate((el) => {
      const img = el as unknown as { getAttribute(name: string): string | null };
      return { frame: Number(img.getAttribute('data-frame')), src: img.getAttribute('src') };
    });
    const before = await shown();
    await laptop.locator('input[data-path="/deck/a/fx/0/zoom"]').fill('1');
    await until(async () => (await api('GET', '/params/deck/a/fx/0/zoom')).base === 2, 5000, 'the host has zoom 2');
    await until(async () => (await tablet.locator('input[data-path="/deck/a/fx/0/zoom"]').inputValue()) === '1', 5000, 'the tablet fader one step right of the middle');
    await until(async () => (await shown()).frame > before.frame + 5, 5000, 'newer preview frames');
    expect((await shown()).src).not.toBe(before.src);
  });

  it('draws controls from the schema\'s hints: XY pads for the pairs it declares, a soft range for rotation, a log zoom fader', async () => {
    const page = await open();
    expect(await page.locator('[data-xy="/deck/a/fx/0/translateX /deck/a/fx/0/translateY"]').count()).toBe(1);
    expect(await page.locator('[data-xy="/deck/a/fx/0/centerX /deck/a/fx/0/centerY"]').count()).toBe(1);
    expect(await page.locator('input[data-path="/deck/a/fx/0/translateX"]').count()).toBe(0); // on the pad, not a fader
    const rotation = page.locator('input[data-path="/deck/a/fx/0/rotation"]');
    expect([await rotation.getAttribute('min'), await rotation.getAttribute('max')]).toEqual(['-10', '10']);
    const zoom = page.locator('input[data-path="/deck/a/fx/0/zoom"]');
    expect([await zoom.getAttribute('min'), await zoom.getAttribute('max')]).toEqual(['-2', '2']);
    // The soft range is the fader's travel only: the host still takes the whole range.
    await api('PATCH', '/params', { changes: { '/deck/a/fx/0/rotation': 90 } });
    await until(async () => (await api('GET', '/params/deck/a/fx/0/rotation')).base === 90, 5000, 'rotation 90 beyond the soft range');
    await api('PATCH', '/params', { changes: { '/deck/a/fx/0/rotation': 0 } });
  });

  it('tapping the tempo four times shows the tempo of the taps (about 120 BPM)', async () => {
    await api('PATCH', '/params', { changes: { '/clock/bpm': 90 } });
    const page = await open();
    await until(async () => (await page.locator('.bpm').getAttribute('data-bpm')) === '90', 5000, '90 BPM shown');
    // Four taps on the TAP button, 500 ms apart, timed in the page as a finger would be. A busy machine
    // makes the page's timers late, so the taps' own times (read where they happen) say what was tapped.
    const times = await page.locator('button.tap').evaluate(async (button) => {
      const at: number[] = [];
      for (let i = 0; i < 4; i++) {
        at.push(performance.now());
        (button as unknown as { click(): void }).click();
        if (i < 3) await new Promise((r) => setTimeout(r, 500));
      }
      return at;
    });
    const intervals = times.slice(1).map((t, i) => t - times[i]!).sort((a, b) => a - b);
    const tapped = 60_000 / intervals[1]!; // the median of three
    expect(tapped).toBeGreaterThan(60); // the taps were one tempo, not a pause and a restart
    await until(async () => Math.abs(Number(await page.locator('.bpm').getAttribute('data-bpm')) - tapped) < 2, 5000, `${tapped.toFixed(1)} BPM shown`);
  });

  it('a route added in the modulation view moves the control\'s modulation indicator; a screenshot of the performance view', async () => {
    const page = await open();
    await page.locator('button[data-view="modulation"]').click();
    await page.locator('select[data-role="route-source"]').selectOption('lfo2:out');
    await page.locator('select[data-role="route-target"]').selectOption('/deck/a/fx/0/decay');
    await page.locator('button[data-role="route-add"]').click();
    await until(async () => (await page.locator('tr[data-route]').count()) >= 2, 5000, 'the route in the table');
    await page.locator('header nav button').first().click();
    const indicator = page.locator('[data-modulated="/deck/a/fx/0/decay"]');
    await indicator.waitFor({ timeout: 5000 });
    const left = (): Promise<string> => indicator.evaluate((el) => (el as { style: { left: string } }).style.left);
    const first = await left();
    await until(async () => (await left()) !== first, 5000, 'the indicator moving');
    fs.mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, 'performance-view.png'), fullPage: true });
    expect(fs.statSync(path.join(artifacts, 'performance-view.png')).size).toBeGreaterThan(10_000);
  });

  it('makes no request outside the host (everything bundled)', () => {
    const outside = requests.filter((u) => !u.startsWith(surface.base) && !u.startsWith(surface.base.replace('http', 'ws')) && !u.startsWith('blob:') && !u.startsWith('data:'));
    expect(requests.length).toBeGreaterThan(3);
    expect(outside).toEqual([]);
  });
});
