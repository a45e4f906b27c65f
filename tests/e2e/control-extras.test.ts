import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useSurface } from '../helpers/surface.js';
import { until } from '../helpers/until.js';

// Typed values, double-tap reset, the performance lock, full screen and route settings, in the real page
// (Debian's chromium, touch) against the real host on its default show. The page's timers run on
// Playwright's clock where a hold's length matters.
const surface = useSurface(['--size', '320x180', '--no-status']);

const { api } = surface;
const hostBase = surface.param;

async function open(clock = false): Promise<Page> {
  const page = await (await surface.browser.newContext({ viewport: { width: 1024, height: 768 }, hasTouch: true })).newPage();
  // An action that cannot happen fails within the test's time, naming itself, instead of waiting forever.
  page.setDefaultTimeout(10_000);
  if (clock) await page.clock.install();
  await page.goto(`${surface.base}/`);
  await page.locator('input[data-path="/mixer/crossfade"]').waitFor({ timeout: 10_000 });
  return page;
}

describe('the surface\'s finer tools', () => {
  it('a tap on a value types an exact one; a double tap on the name resets it', async () => {
    const page = await open(true);
    await page.locator('[data-value="/deck/a/fx/0/zoom"]').tap();
    await page.locator('[data-typed="/deck/a/fx/0/zoom"]').fill('1.37');
    await page.locator('[data-typed="/deck/a/fx/0/zoom"]').press('Enter');
    await until(async () => (await hostBase('/deck/a/fx/0/zoom')) === 1.37, 5000, 'zoom 1.37 typed');
    const name = page.locator('[data-reset="/deck/a/fx/0/zoom"]');
    // Two taps at one moment of the page's clock: a double tap however late the machine delivers them.
    await page.clock.pauseAt(Date.now() + 1000);
    await name.tap();
    expect(await hostBase('/deck/a/fx/0/zoom')).toBe(1.37);
    await name.tap();
    const { params } = await api<{ params: { path: string; default: unknown }[] }>('GET', '/params');
    const zoomDefault = params.find((p) => p.path === '/deck/a/fx/0/zoom')!.default;
    await until(async () => (await hostBase('/deck/a/fx/0/zoom')) === zoomDefault, 5000, 'zoom back to its default');
    await page.context().close();
  });

  it('the lock: locked, a control cannot be moved; a tap does not unlock, a one-second hold does', async () => {
    const page = await open(true);
    await page.clock.pauseAt(Date.now() + 1000);
    await page.locator('[data-role="lock"]').tap();
    await until(async () => (await page.locator('[data-role="lock"]').getAttribute('aria-pressed')) === 'true', 5000, 'locked');
    const before = await hostBase('/mixer/crossfade');
    // A finger on the crossfader: nothing reaches it.
    const box = (await page.locator('input[data-path="/mixer/crossfade"]').boundingBox())!;
    await page.touchscreen.tap(box.x + box.width * 0.9, box.y + box.height / 2);
    await page.keyboard.press('m');
    expect(await page.locator('.modulation-view').count()).toBe(0);
    expect(await hostBase('/mixer/crossfade')).toBe(before);
    // A tap on the lock leaves it locked; a held finger unlocks after a second of the page's time.
    await page.locator('[data-role="lock"]').tap();
    await page.clock.runFor(100);
    expect(await page.locator('[data-role="lock"]').getAttribute('aria-pressed')).toBe('true');
    const lock = (await page.locator('[data-role="lock"]').boundingBox())!;
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: lock.x + lock.width / 2, y: lock.y + lock.height / 2 }] });
    await page.clock.runFor(1100);
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await until(async () => (await page.locator('[data-role="lock"]').getAttribute('aria-pressed')) === 'false', 5000, 'unlocked by the hold');
    await page.locator('input[data-path="/mixer/crossfade"]').fill('0.6');
    await until(async () => (await hostBase('/mixer/crossfade')) === 0.6, 5000, 'the crossfader moves again');
    await page.context().close();
  });

  it('the output goes full screen from the preview', async () => {
    const page = await open();
    await page.locator('.preview .fullscreen').click();
    await until(async () => (await page.evaluate<string | null>('document.fullscreenElement && document.fullscreenElement.className')) === 'preview', 5000, 'the preview full screen');
    await page.context().close();
  });

  it('a route\'s curve, invert, offset and enable, and an LFO\'s settings, are set from the matrix view', async () => {
    const added = await api<{ route: { id: string } }>('POST', '/routes', { source: 'lfo1:out', target: '/deck/a/fx/0/decay', amount: 0.2 });
    const id = added.route.id;
    const route = async () => (await api<{ routes: { id: string; curve: string; invert: boolean; offset: number; enabled: boolean }[] }>('GET', '/routes')).routes.find((r) => r.id === id)!;
    const page = await open();
    await page.locator('[data-view="modulation"]').click();
    const row = page.locator(`tr[data-route="${id}"]`);
    await row.waitFor({ timeout: 5000 });
    await row.locator('[data-route-field="curve"]').selectOption('s-curve');
    await until(async () => (await route()).curve === 's-curve', 5000, 'the curve set');
    await row.locator('[data-route-field="invert"]').click();
    await until(async () => (await route()).invert, 5000, 'inverted');
    await row.locator('[data-route-field="offset"]').fill('0.25');
    await until(async () => (await route()).offset === 0.25, 5000, 'the offset set');
    await row.locator('[data-route-field="enabled"]').click();
    await until(async () => !(await route()).enabled, 5000, 'switched off');
    await api('DELETE', `/routes/${id}`);
    // The show's LFO is set there too: its shape, here from sine to square.
    const shape = page.locator('[data-generator="lfo/lfo1"] select[data-path="/lfo/lfo1/shape"]');
    await shape.selectOption('square');
    await until(async () => (await hostBase('/lfo/lfo1/shape')) === 'square', 5000, 'the LFO\'s shape set');
    await page.context().close();
  });

  it('a route\'s filters (added, set, retyped, removed) and its input range are edited from the matrix view', async () => {
    interface Filter { type: string; time: number; rise: number; fall: number }
    const added = await api<{ route: { id: string } }>('POST', '/routes', { source: 'lfo1:out', target: '/deck/a/fx/0/decay', amount: 0.2 });
    const id = added.route.id;
    const route = async () => (await api<{ routes: { id: string; filters: Filter[]; inputRange?: [number, number] }[] }>('GET', '/routes')).routes.find((r) => r.id === id)!;
    const page = await open();
    await page.locator('[data-view="modulation"]').click();
    const row = page.locator(`tr[data-route="${id}"]`);
    await row.waitFor({ timeout: 5000 });
    await row.locator('[data-filter-add]').tap();
    await until(async () => (await route()).filters.length === 1, 5000, 'a lag added');
    expect((await route()).filters[0]).toMatchObject({ type: 'lag', time: 0.1 });
    // A half-typed value outlives the page's once-a-second reading of the routes (it used to be put back).
    const time = row.locator('[data-filter="0"] [data-filter-field="time"]');
    await time.fill('0.5');
    await page.waitForResponse((r) => r.request().method() === 'GET' && new URL(r.url()).pathname === '/api/routes');
    await page.evaluate('new Promise((resolve) => requestAnimationFrame(resolve))');
    expect(await time.inputValue()).toBe('0.5');
    await time.press('Enter');
    await until(async () => (await route()).filters[0]?.time === 0.5, 5000, 'its time set');
    // Another type shows the settings that type reads.
    await row.locator('[data-filter="0"] select').selectOption('slew');
    await until(async () => (await route()).filters[0]?.type === 'slew', 5000, 'retyped to slew');
    await row.locator('[data-filter="0"] [data-filter-field="rise"]').waitFor({ timeout: 5000 });
    expect(await row.locator('[data-filter="0"] [data-filter-field="time"]').count()).toBe(0);
    await row.locator('[data-filter="0"] [data-filter-field="fall"]').fill('4');
    await row.locator('[data-filter="0"] [data-filter-field="fall"]').press('Enter');
    await until(async () => (await route()).filters[0]?.fall === 4, 5000, 'its fall set');
    // A value the host refuses is said, and nothing changes.
    await row.locator('[data-filter="0"] [data-filter-field="rise"]').fill('5000');
    await row.locator('[data-filter="0"] [data-filter-field="rise"]').press('Enter');
    await page.locator('.add-route [role=alert]', { hasText: 'rise: must be <= 1000' }).waitFor({ timeout: 5000 });
    expect((await route()).filters[0]).toMatchObject({ type: 'slew', rise: 1, fall: 4 });
    // The refused value goes back to the host's in the field.
    await until(async () => (await row.locator('[data-filter="0"] [data-filter-field="rise"]').inputValue()) === '1', 5000, 'the field back at the host\'s rise');
    await row.locator('[data-filter="0"] button', { hasText: '✕' }).tap();
    await until(async () => (await route()).filters.length === 0, 5000, 'the filter removed');
    // The input range: lfo1:out swings -1..1 (bipolar), so that is what the fields start from.
    const low = row.locator('[data-route-field="inputRange"] input').first();
    expect(await low.inputValue()).toBe('-1');
    await low.fill('-0.5');
    await low.press('Enter');
    await until(async () => (await route()).inputRange?.[0] === -0.5, 5000, 'the range set');
    expect((await route()).inputRange).toEqual([-0.5, 1]);
    await api('DELETE', `/routes/${id}`);
    await page.context().close();
  });
});
