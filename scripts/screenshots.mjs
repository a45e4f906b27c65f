// Regenerates the README's screenshots of the control surface: the embedded default show in the real
// host, the page in Debian's chromium as an iPad-sized tablet and a phone (touch).
// Usage: npm run build && node scripts/screenshots.mjs
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const out = path.join(root, 'docs', 'screenshots');
const presets = fs.mkdtempSync(path.join(os.tmpdir(), 'vj-host-screenshots-'));
const shmName = `vj-host-screenshots-${process.pid}`;
const host = spawn(process.execPath, [path.join(root, 'dist', 'app', 'cli.js'), '--no-status', '--ui-port', '0', '--osc-port', '0', '--oscquery-port', '0', '--presets', presets, '--shm-name', shmName], { stdio: ['ignore', 'pipe', 'pipe'] });
let log = '';
host.stdout.on('data', (d) => (log += d));
host.stderr.on('data', (d) => (log += d));
const line = /control surface at (http:\/\/127\.0\.0\.1:\d+)\//;
try {
  for (let i = 0; i < 200 && !line.test(log); i++) await new Promise((r) => setTimeout(r, 50));
  const base = line.exec(log)?.[1];
  if (!base) throw new Error(`the host did not start:\n${log}`);
  await fetch(`${base}/api/presets`, { method: 'POST', body: JSON.stringify({ name: 'Opening', slot: 1 }), headers: { 'content-type': 'application/json' } });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox'] });
  fs.mkdirSync(out, { recursive: true });
  for (const [name, viewport] of [['tablet', { width: 1024, height: 768 }], ['phone', { width: 390, height: 844 }]]) {
    const page = await (await browser.newContext({ viewport, hasTouch: true, isMobile: name === 'phone', deviceScaleFactor: 1 })).newPage();
    await page.goto(`${base}/`);
    await page.locator('.preview img').waitFor({ timeout: 10_000 });
    await page.waitForTimeout(1500); // the feedback's trails fill in
    await page.screenshot({ path: path.join(out, `${name}.png`) });
  }
  await browser.close();
  console.log(`written: ${out}/tablet.png, phone.png`);
} finally {
  host.kill('SIGTERM');
  await new Promise((r) => host.once('exit', r));
  fs.rmSync(presets, { recursive: true, force: true });
  fs.rmSync(path.join('/dev/shm', shmName), { force: true });
}
