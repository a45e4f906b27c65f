import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { useSurface } from '../helpers/surface.js';
import { describe, expect, it } from 'vitest';

// axe-core (Deque's accessibility rules) run inside the real page in Debian's chromium, on the views a
// performer uses: the tablet's perform view, a control's menu, the modulation view, the phone.
const axeSource = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const surface = useSurface(['--size', '320x180', '--no-status']);

interface Violation { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }

/** The critical and serious violations axe finds on the page as it is now, one line each. */
async function violations(page: Page): Promise<string[]> {
  if (!(await page.evaluate<boolean>('typeof axe !== "undefined"'))) await page.addScriptTag({ path: axeSource });
  const found = await page.evaluate<Violation[]>('axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations)');
  return found
    .filter((v) => v.impact === 'critical' || v.impact === 'serious')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')})`);
}

async function open(viewport: { width: number; height: number }): Promise<Page> {
  const page = await (await surface.browser.newContext({ viewport, hasTouch: true })).newPage();
  await page.goto(`${surface.base}/`);
  await page.locator('input[data-path="/mixer/crossfade"]').waitFor({ timeout: 10_000 });
  return page;
}

describe('accessibility (axe) of the control surface', () => {
  it('the perform view, a control\'s menu and the modulation view on a tablet, and the phone: no critical or serious violation', async () => {
    const tablet = await open({ width: 1024, height: 768 });
    expect(await violations(tablet)).toEqual([]);
    await tablet.locator('[data-control="/deck/a/fx/0/zoom"]').click({ button: 'right' });
    await tablet.locator('.menu').waitFor({ timeout: 5000 });
    expect(await violations(tablet)).toEqual([]);
    await tablet.keyboard.press('Escape');
    await tablet.locator('[data-view="modulation"]').click();
    await tablet.locator('.modulation-view').waitFor({ timeout: 5000 });
    expect(await violations(tablet)).toEqual([]);
    await tablet.context().close();
    const phone = await open({ width: 390, height: 844 });
    expect(await violations(phone)).toEqual([]);
    await phone.context().close();
  });
});
