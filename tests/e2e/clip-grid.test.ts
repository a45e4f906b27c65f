import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeCodedClip } from '../helpers/coded-clip.js';
import { tempDir, writeJson } from '../helpers/host-process.js';
import { useSurface } from '../helpers/surface.js';
import { until } from '../helpers/until.js';

// The clip bank on the real page, in Debian's chromium with touch: real clips made by ffmpeg, played by the real host.
const dir = tempDir('clip-grid');
const media = path.join(dir, 'media');

const surface = useSurface(async () => {
  fs.mkdirSync(media);
  await makeCodedClip(path.join(media, 'a-short.mp4'), { frames: 20, width: 160, height: 90, fps: 30 });
  await makeCodedClip(path.join(media, 'b-long.mp4'), { frames: 40, width: 160, height: 90, fps: 30 });
  const show = writeJson(dir, 'show.json', {
    name: 'clips', size: '320x180',
    decks: [{ id: 'a', source: { pipeline: 'video', params: { source: 'a-short.mp4', switchFade: 0 } } }],
    outputs: [], osc: { enabled: false }, oscquery: { enabled: false }, presets: { dir: path.join(dir, 'presets'), autosave: false }, media: { dir: media },
  });
  return ['--show', show, '--no-status'];
}, () => fs.rmSync(dir, { recursive: true, force: true }));

interface SourceStatus { current: string | null; detail?: { frames?: number } }
const sourceStatus = async (): Promise<SourceStatus | undefined> =>
  ((await (await fetch(`${surface.base}/api/stats`)).json()) as { stages: { path: string; status?: SourceStatus }[] }).stages.find((s) => s.path === '/deck/a/source')?.status;

describe('the clip bank on the control surface', () => {
  it('shows each clip\'s thumbnail, marks the one playing, and a tap plays another on the deck', async () => {
    const page = await (await surface.browser.newContext({ viewport: { width: 1024, height: 768 }, hasTouch: true })).newPage();
    await page.goto(`${surface.base}/`);
    const grid = page.locator('[data-deck="a"] .clip-grid');
    await grid.locator('[data-clip="b-long.mp4"]').waitFor({ timeout: 10_000 });
    const names = await Promise.all((await grid.locator('.clip').all()).map((clip) => clip.getAttribute('data-clip')));
    expect(names).toEqual(['a-short.mp4', 'b-long.mp4']);
    expect(await grid.locator('[data-clip="a-short.mp4"]').getAttribute('aria-pressed')).toBe('true');
    // The thumbnails are real pictures made by ffmpeg, loaded through the page's own origin.
    await until(async () => (await grid.locator('img').evaluateAll((imgs) => imgs.map((i) => (i as unknown as { naturalWidth: number }).naturalWidth))).every((w) => w > 0), 10_000, 'thumbnails loaded');

    await grid.locator('[data-clip="b-long.mp4"]').tap();
    await until(async () => (await sourceStatus())?.detail?.frames === 40, 10_000, 'the deck playing the 40-frame clip');
    expect((await sourceStatus())?.current).toBe('b-long.mp4');
    await until(async () => (await grid.locator('[data-clip="b-long.mp4"]').getAttribute('aria-pressed')) === 'true', 5000, 'the tapped clip marked');
    expect(await grid.locator('[data-clip="a-short.mp4"]').getAttribute('aria-pressed')).toBe('false');
  });
});
