import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useSurface } from '../helpers/surface.js';
import { until } from '../helpers/until.js';

// The control surface as a finger plays it: the real host and page in Debian's chromium with touch
// (hasTouch, real touch events through the DevTools protocol). The page's timers run on Playwright's
// clock, so "held for 0.7 s" and "nothing 1 s after a drag" are the page's time, not a sleep.
const surface = useSurface(['--size', '320x180', '--no-status']);

const { api } = surface;

const base0 = surface.param;

interface Tablet {
  context: BrowserContext;
  page: Page;
  cdp: CDPSession;
  /** A finger: down, moved through points, up. */
  touch(type: 'touchStart' | 'touchMove' | 'touchEnd', x?: number, y?: number): Promise<void>;
  centre(selector: string): Promise<{ x: number; y: number; width: number; height: number }>;
}

async function tablet(viewport = { width: 1024, height: 768 }): Promise<Tablet> {
  const context = await surface.browser.newContext({ viewport, hasTouch: true, isMobile: viewport.width < 600 });
  const page = await context.newPage();
  await page.clock.install();
  await page.goto(`${surface.base}/`);
  await page.locator('input[data-path="/mixer/crossfade"]').waitFor({ timeout: 10_000 });
  await page.clock.pauseAt(Date.now() + 1000);
  const cdp = await context.newCDPSession(page);
  return {
    context,
    page,
    cdp,
    async touch(type, x = 0, y = 0) {
      await cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x, y }] });
    },
    async centre(selector) {
      await page.locator(selector).first().scrollIntoViewIfNeeded();
      const box = (await page.locator(selector).first().boundingBox())!;
      return { x: box.x + box.width / 2, y: box.y + box.height / 2, width: box.width, height: box.height };
    },
  };
}

describe('touch on the control surface', () => {
  it('a fader drag opens no menu; a still hold does, one at a time; Escape and a tap outside close it; reset asks first', async () => {
    const t = await tablet();
    const fader = await t.centre('input[data-path="/mixer/crossfade"]');
    // A drag along the crossfader, then the finger stays down a second: the fader moved, no menu.
    await t.touch('touchStart', fader.x - fader.width * 0.4, fader.y);
    for (let i = 1; i <= 6; i++) await t.touch('touchMove', fader.x - fader.width * 0.4 + i * fader.width * 0.1, fader.y);
    await t.page.clock.runFor(1000);
    await t.touch('touchEnd');
    await until(async () => Number(await base0('/mixer/crossfade')) > 0.3, 5000, 'the crossfade moved by the drag');
    expect(await t.page.locator('.menu').count()).toBe(0);

    // A still hold on the zoom fader: its menu, after the hold and not before.
    const zoom = await t.centre('[data-control="/deck/a/fx/0/zoom"] label');
    await t.touch('touchStart', zoom.x, zoom.y);
    await t.page.clock.runFor(300);
    expect(await t.page.locator('.menu').count()).toBe(0);
    await t.page.clock.runFor(400);
    await t.touch('touchEnd');
    await t.page.locator('[data-control="/deck/a/fx/0/zoom"] .menu').waitFor({ timeout: 5000 });
    // A hold on another control moves the menu there: never two.
    const mode = await t.centre('[data-control="/mixer/crossfade"] label');
    await t.touch('touchStart', mode.x, mode.y);
    await t.page.clock.runFor(700);
    await t.touch('touchEnd');
    await t.page.locator('[data-control="/mixer/crossfade"] .menu').waitFor({ timeout: 5000 });
    expect(await t.page.locator('.menu').count()).toBe(1);
    // Preact runs effects (the menu's Escape and outside-press listeners) after a paint: let the page's clock move.
    await t.page.clock.runFor(100);
    await t.page.keyboard.press('Escape');
    await until(async () => (await t.page.locator('.menu').count()) === 0, 5000, 'Escape closes the menu');

    // Reset asks first: the value stays until the reset is confirmed.
    await api('PATCH', '/params', { changes: { '/deck/a/fx/0/decay': 0.5 } });
    await until(async () => (await base0('/deck/a/fx/0/decay')) === 0.5, 5000, 'decay 0.5');
    const decay = await t.centre('[data-control="/deck/a/fx/0/decay"] label');
    await t.touch('touchStart', decay.x, decay.y);
    await t.page.clock.runFor(700);
    await t.touch('touchEnd');
    await t.page.locator('.menu [data-action="reset"]').tap();
    expect(await base0('/deck/a/fx/0/decay')).toBe(0.5);
    await t.page.locator('.menu [data-confirm="reset"]').tap();
    await until(async () => (await base0('/deck/a/fx/0/decay')) !== 0.5, 5000, 'the reset done once confirmed');

    // A tap outside closes an open menu.
    const zoomAgain = await t.centre('[data-control="/deck/a/fx/0/zoom"] label');
    await t.touch('touchStart', zoomAgain.x, zoomAgain.y);
    await t.page.clock.runFor(700);
    await t.touch('touchEnd');
    await t.page.locator('.menu').waitFor({ timeout: 5000 });
    await t.page.clock.runFor(100);
    const header = await t.centre('header strong');
    await t.page.touchscreen.tap(header.x, header.y);
    await until(async () => (await t.page.locator('.menu').count()) === 0, 5000, 'a tap outside closes the menu');
    await t.context.close();
  });

  it('preset slots: a scroll across them saves nothing; a hold saves, over a filled slot only once asked, with an undo; every surface sees it', async () => {
    const t = await tablet();
    const other = await tablet();
    const slot1 = await t.centre('[data-slot="1"]');
    // A finger that starts on a slot and scrolls: no save, no recall.
    await t.touch('touchStart', slot1.x, slot1.y);
    for (let i = 1; i <= 5; i++) await t.touch('touchMove', slot1.x, slot1.y - i * 12);
    await t.page.clock.runFor(1000);
    await t.touch('touchEnd');
    expect((await api<{ presets: unknown[] }>('GET', '/presets')).presets).toEqual([]);

    // A still hold on an empty slot saves the show there.
    await api('PATCH', '/params', { changes: { '/mixer/crossfade': 0.2 } });
    await until(async () => (await base0('/mixer/crossfade')) === 0.2, 5000, 'crossfade 0.2');
    const slot2 = await t.centre('[data-slot="2"]');
    await t.touch('touchStart', slot2.x, slot2.y);
    await t.page.clock.runFor(800);
    await t.touch('touchEnd');
    const saved = async () => (await api<{ presets: { name: string }[] }>('GET', '/presets')).presets.map((p) => p.name);
    await until(async () => (await saved()).includes('Slot 2'), 5000, 'slot 2 saved');
    // The other tablet shows it without being touched.
    await until(async () => (await other.page.locator('[data-slot="2"]').textContent())?.includes('Slot 2') === true, 5000, 'the slot named on the other surface');

    // A hold on the filled slot asks; nothing is written until "Save over".
    await api('PATCH', '/params', { changes: { '/mixer/crossfade': 0.8 } });
    await until(async () => (await base0('/mixer/crossfade')) === 0.8, 5000, 'crossfade 0.8');
    const stored = async () => (await api<{ params: Record<string, unknown> }>('GET', '/presets/default/Slot%202')).params['/mixer/crossfade'];
    await t.touch('touchStart', slot2.x, slot2.y);
    await t.page.clock.runFor(800);
    await t.touch('touchEnd');
    await t.page.locator('[data-confirm="overwrite"]').waitFor({ timeout: 5000 });
    expect(await stored()).toBe(0.2);
    await t.page.locator('[data-confirm="overwrite"]').tap();
    await until(async () => (await stored()) === 0.8, 5000, 'saved over once confirmed');
    await t.page.locator('[data-undo]').tap();
    await until(async () => (await stored()) === 0.2, 5000, 'undo puts the earlier version back');

    // A tap recalls it and marks it as the one playing, here and on the other surface.
    await t.page.locator('[data-slot="2"]').tap();
    await until(async () => (await base0('/mixer/crossfade')) === 0.2, 5000, 'slot 2 recalled');
    await until(async () => (await other.page.locator('[data-slot="2"]').getAttribute('aria-pressed')) === 'true', 5000, 'the active slot marked');
    await t.context.close();
    await other.context.close();
  });

  it('keys work with a fader focused: m switches views, a digit recalls its slot; Enter on a slot recalls it', async () => {
    const t = await tablet();
    await api('POST', '/presets', { name: 'Keyed', slot: 3 });
    await api('PATCH', '/params', { changes: { '/mixer/crossfade': 0.9 } });
    await t.page.locator('input[data-path="/deck/a/fx/0/zoom"]').focus();
    await t.page.keyboard.press('m');
    await t.page.locator('.modulation-view').waitFor({ timeout: 5000 });
    await t.page.keyboard.press('m');
    await t.page.locator('input[data-path="/deck/a/fx/0/zoom"]').focus();
    await until(async () => (await t.page.locator('[data-slot="3"]').textContent())?.includes('Keyed') === true, 5000, 'slot 3 listed');
    await t.page.keyboard.press('3');
    await until(async () => (await api<{ sections: { presets: { current: string } } }>('GET', '/stats')).sections.presets.current === 'Keyed', 5000, 'slot 3 recalled by its key');
    // The move must have landed before Enter: otherwise the old value passes the check below at once, and
    // the recall lands later, over the next test's changes.
    await api('PATCH', '/params', { changes: { '/mixer/crossfade': 0.9 } });
    await until(async () => (await base0('/mixer/crossfade')) === 0.9, 5000, 'crossfade 0.9');
    await t.page.locator('[data-slot="3"]').focus();
    await t.page.keyboard.press('Enter');
    await until(async () => (await base0('/mixer/crossfade')) !== 0.9, 5000, 'Enter on the slot recalls it');
    await t.context.close();
  });

  it('the beat light flashes on every beat, drawn in the page from BPM and beat phase', async () => {
    await api('PATCH', '/params', { changes: { '/clock/bpm': 128 } });
    await until(async () => (await base0('/clock/bpm')) === 128, 5000, '128 BPM on the host');
    // Real time here (no page clock): the host's beats and the page's flashes are counted over the same stretch.
    const page = await (await surface.browser.newContext({ viewport: { width: 1024, height: 768 } })).newPage();
    await page.goto(`${surface.base}/`);
    await page.locator('input[data-path="/mixer/crossfade"]').waitFor({ timeout: 10_000 });
    let shown: string | null = null;
    const atTempo = async () => {
      shown = await page.locator('.bpm').getAttribute('data-bpm');
      return Math.abs(Number(shown) - 128) < 0.01;
    };
    await until(atTempo, 10_000, '128 BPM shown').catch(async (error: unknown) => {
      const host = (await api<{ clock: { bpm: number } }>('GET', '/stats')).clock.bpm;
      throw new Error(`${String(error)}: the page shows ${shown}, the host has ${host}`);
    });
    const flashes = async () => Number((await page.locator('.beat-light').getAttribute('data-beats')) ?? 0);
    const hostBeat = async () => (await api<{ clock: { beat: number } }>('GET', '/stats')).clock.beat;
    // The page's count read between two readings of the host's beat: on a loaded machine each round trip
    // can take a good part of a beat (469 ms here), so the host's beat at that moment is known as a range.
    const bracketed = async (): Promise<{ flashes: number; from: number; to: number }> => {
      const from = Math.floor(await hostBeat());
      const count = await flashes();
      return { flashes: count, from, to: Math.floor(await hostBeat()) };
    };
    const start = await bracketed();
    // 12 of the host's beats (the stats alone, 4 a second, lit about 5 of them at this tempo).
    await until(async () => (await hostBeat()) - start.to >= 12, 20_000, '12 beats of the host');
    const end = await bracketed();
    // As many flashes as the host's beats meanwhile, give or take the one the page's drawing is behind.
    const flashed = end.flashes - start.flashes;
    expect(flashed).toBeGreaterThanOrEqual(end.from - start.to - 1);
    expect(flashed).toBeLessThanOrEqual(end.to - start.from + 1);
    await page.context().close();
    await api('PATCH', '/params', { changes: { '/clock/bpm': 120 } });
  });

  it('tablet: no control under 44 px; phone: nothing wider than the screen, every view reachable', async () => {
    const t = await tablet();
    const small: string[] = [];
    for (const el of await t.page.locator('button, input, select, [data-xy]').all()) {
      const r = await el.boundingBox();
      const name = (await el.getAttribute('data-path')) ?? (await el.getAttribute('aria-label')) ?? (await el.textContent());
      if (r && (r.height < 44 || r.width < 44)) small.push(`${name} ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
    expect(small).toEqual([]);
    await t.context.close();
    const phone = await tablet({ width: 390, height: 844 });
    expect(await phone.page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    const modulation = (await phone.page.locator('[data-view="modulation"]').boundingBox())!;
    expect(modulation.x + modulation.width).toBeLessThanOrEqual(390);
    await phone.page.locator('[data-view="modulation"]').tap();
    await phone.page.locator('.modulation-view').waitFor({ timeout: 5000 });
    expect(await phone.page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await phone.context.close();
  });
});
