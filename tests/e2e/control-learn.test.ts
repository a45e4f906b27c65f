import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tablet } from '../helpers/osc-harness.js';
import { useSurface } from '../helpers/surface.js';
import { until } from '../helpers/until.js';

// OSC and MIDI learn from the real page: a real OSC tablet (UDP) moves a control; this machine has no
// MIDI controller (the host's MIDI runs, with no device to open).
let oscPort = 0;
const tablet = new Tablet();

const surface = useSurface(['--size', '320x180', '--no-status']);

beforeAll(async () => {
  await surface.host.waitFor(/OSC listening on 127\.0\.0\.1:\d+/);
  oscPort = Number(/OSC listening on 127\.0\.0\.1:(\d+)/.exec(surface.host.output())![1]);
  await tablet.open();
}, 60_000);

afterAll(() => {
  tablet.close();
});

interface Route { id: string; source: string; target: string; holding?: boolean }
const routesOnto = async (path: string): Promise<Route[]> => ((await (await fetch(`${surface.base}/api/routes`)).json()) as { routes: Route[] }).routes.filter((r) => r.target === path);

/** A laptop page with the zoom control's menu open and `kind` learn started from it. */
async function learnOnZoom(kind: 'OSC' | 'MIDI') {
  const page = await surface.openPage({ touch: false });
  const zoom = page.locator('[data-control="/deck/a/fx/0/zoom"]');
  await zoom.waitFor({ timeout: 10_000 });
  await zoom.click({ button: 'right' });
  await zoom.locator('.menu button', { hasText: `${kind} learn` }).click();
  return { page, zoom };
}

describe('learn on the control surface', () => {
  it('OSC learn says when it has learned and marks the control held by the tablet; a move here takes it over until the tablet passes the value; Release hands it back', async () => {
    const { page, zoom } = await learnOnZoom('OSC');
    await until(async () => /move a control on the OSC surface/.test((await zoom.locator('.note').textContent()) ?? ''), 5000, 'the learn waiting');
    // The tablet's fader moves until the host has taken it.
    await until(async () => {
      await tablet.send(oscPort, '/1/fader7', 0.75);
      return /learned: .*\/1\/fader7 now moves this \(OSC\)/.test((await zoom.locator('.note').textContent()) ?? '');
    }, 10_000, 'the learn confirmed on the control');
    expect(await zoom.locator('.mapped .learned').textContent()).toMatch(/held by .*\/1\/fader7/);
    expect((await routesOnto('/deck/a/fx/0/zoom')).length).toBe(1);
    const zoomView = () => surface.api<{ base: number; value: number }>('GET', '/params/deck/a/fx/0/zoom');
    // The tablet's fader (three quarters up) holds the value; a move on this fader takes it over.
    await until(async () => (await zoomView()).value > 2.5, 5000, 'the tablet holding the zoom high');
    await zoom.locator('input[type=range]').focus();
    await page.keyboard.press('ArrowLeft');
    await until(async () => /held here: .*\/1\/fader7 takes it back when it passes this value/.test((await zoom.locator('.mapped .learned').textContent()) ?? ''), 5000, 'the surface holding it');
    const taken = await zoomView();
    expect(taken.value).toBeCloseTo(taken.base, 6);
    // The tablet, still above the value, moves without the zoom leaping to it…
    await tablet.send(oscPort, '/1/fader7', 0.5);
    await tablet.send(oscPort, '/1/fader7', 0.4);
    const signal = async () => (await surface.api<{ signals: { name: string; value: number }[] }>('GET', '/signals')).signals.find((x) => x.name === 'osc:/1/fader7')?.value;
    await until(async () => Math.abs(((await signal()) ?? 0) - 0.4) < 1e-6, 5000, 'the tablet at 0.4'); // sent as a 32-bit float
    expect((await zoomView()).value).toBeCloseTo(taken.base, 6);
    expect((await routesOnto('/deck/a/fx/0/zoom'))[0]).toMatchObject({ holding: false });
    // …and takes it back by passing through it.
    await tablet.send(oscPort, '/1/fader7', 0);
    await until(async () => /held by .*\/1\/fader7/.test((await zoom.locator('.mapped .learned').textContent()) ?? ''), 5000, 'the tablet holding it again');
    expect((await zoomView()).value).toBeLessThan(taken.base);
    await zoom.locator('.mapped .release').click();
    await until(async () => (await routesOnto('/deck/a/fx/0/zoom')).length === 0, 5000, 'the route gone');
    await until(async () => (await zoom.locator('.mapped').count()) === 0, 5000, 'the mark gone');
    await page.context().close();
  });

  it('MIDI learn says plainly when no controller is connected', async () => {
    const { page, zoom } = await learnOnZoom('MIDI');
    await until(async () => /no MIDI controller is connected|the host has no MIDI/.test((await zoom.locator('.note').textContent()) ?? ''), 5000, 'the note about MIDI');
    await fetch(`${surface.base}/api/learn/midi`, { method: 'DELETE' });
    await page.context().close();
  });
});
