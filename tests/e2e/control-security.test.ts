import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/chromium.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHost, surfaceUrl, type HostProcess } from '../helpers/host-process.js';
import { until } from '../helpers/until.js';

// The real host and Debian's chromium: a page of another origin opened in the VJ's own browser, and a
// tablet on the network opening the printed URL with its token.
let browser: Browser;
let host: HostProcess | null = null;
let attacker: http.Server | null = null;

beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);
afterEach(async () => {
  await host?.stop();
  host = null;
  await new Promise<void>((resolve) => (attacker ? attacker.close(() => resolve()) : resolve()));
  attacker = null;
});
afterAll(async () => {
  await browser?.close();
});

/** A page on another origin (another port of this machine) that tries what an attacker's site would. */
function attackPage(control: string, oscQuery: string): string {
  return `<!doctype html><script>
    const results = {};
    const attempt = async (name, run) => { try { results[name] = await run(); } catch (e) { results[name] = 'blocked: ' + e.message; } };
    (async () => {
      await attempt('stop', () => fetch('${control}/api/outputs/shm/stop', { method: 'POST', mode: 'no-cors' }).then(() => 'sent'));
      await attempt('save', () => fetch('${control}/api/presets', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ name: 'Pwned' }) }).then(() => 'sent'));
      await attempt('read', () => fetch('${control}/api/params').then((r) => r.text()));
      await attempt('socket', () => new Promise((resolve) => {
        const ws = new WebSocket('${control.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket');
        ws.onmessage = (m) => { ws.send('40'); resolve('opened: ' + String(m.data).slice(0, 40)); };
        ws.onerror = () => resolve('refused');
        ws.onclose = () => resolve('refused');
      }));
      await attempt('oscquery', () => new Promise((resolve) => {
        const ws = new WebSocket('${oscQuery.replace('http', 'ws')}/');
        ws.onopen = () => { ws.send(JSON.stringify({ COMMAND: 'LISTEN', DATA: '/mixer/crossfade' })); resolve('opened'); };
        ws.onerror = () => resolve('refused');
      }));
      window.results = results;
    })();
  </script>`;
}

describe('nobody gets in who should not, from a real browser', () => {
  it('a page on another origin cannot stop an output, save a preset, read parameters or open a socket', async () => {
    host = startHost(['--size', '320x180', '--no-status']);
    const control = await surfaceUrl(host);
    await host.waitFor(/OSCQuery at http:\/\/127\.0\.0\.1:\d+\//);
    const oscQuery = /OSCQuery at (http:\/\/127\.0\.0\.1:\d+)\//.exec(host.output())![1]!;
    attacker = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(attackPage(control, oscQuery)));
    await new Promise<void>((resolve) => attacker!.listen(0, '127.0.0.1', resolve));
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => (globalThis as unknown as { results?: unknown }).results !== undefined, undefined, { timeout: 10_000 });
    const results = (await page.evaluate(() => (globalThis as unknown as { results: Record<string, string> }).results));
    await page.close();
    expect(results.read).toMatch(/^blocked/);
    expect(results.socket).toBe('refused');
    expect(results.oscquery).toBe('refused');
    // The requests the browser did send changed nothing.
    const outputs = (await (await fetch(`${control}/api/outputs`)).json()) as { outputs: { id: string; stats: { state: string } }[] };
    expect(outputs.outputs.find((o) => o.id === 'shm')!.stats.state).toBe('running');
    const presets = (await (await fetch(`${control}/api/presets`)).json()) as { presets: { name: string }[] };
    expect(presets.presets.map((p) => p.name)).not.toContain('Pwned');
    expect(host.output()).not.toMatch(/preset saved: .*Pwned/);
  }, 60_000);

  it('--lan: a tablet opening the printed URL gets the whole surface (assets and socket through the token), touch included', async () => {
    host = startHost(['--size', '320x180', '--no-status', '--lan']);
    await host.waitFor(/control surface on the network at http:\/\/[^ "]+\?token=[\w-]+/);
    const printed = /control surface on the network at (http:\/\/[^ "]+\?token=[\w-]+)/.exec(host.output())![1]!;
    // The tablet is this machine here: the same URL, with the loopback address the test can reach.
    const url = new URL(printed);
    url.hostname = '127.0.0.1';
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 }, hasTouch: true, isMobile: true });
    const page = await context.newPage();
    const failed: string[] = [];
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
    });
    await page.goto(url.href);
    const fader = page.locator('input[data-path="/mixer/crossfade"]');
    await fader.waitFor({ timeout: 10_000 });
    expect(failed).toEqual([]);
    await fader.fill('0.75');
    const api = `${url.origin}/api/params/mixer/crossfade`;
    await until(async () => ((await (await fetch(api, { headers: { authorization: `Bearer ${url.searchParams.get('token')}` } })).json()) as { base: number }).base === 0.75, 5000, 'the crossfader at 0.75 on the host');
    // Without the token, nothing: not the page, not the API.
    expect((await fetch(`${url.origin}/`)).status).toBe(401);
    await context.close();
  }, 60_000);
});
