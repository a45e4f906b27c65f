import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir, uniqueShmName, writeJson } from '../helpers/host-process.js';
import { useSurface } from '../helpers/surface.js';
import { until } from '../helpers/until.js';

// Tempo, cues, outputs and inputs played from the real page: the real host with a real recording output
// (ffmpeg writing into a temp folder) and a real cue list.
let page: Page;
const dir = tempDir('control-show');
const shmName = uniqueShmName('control-show');

const surface = useSurface(() => {
  const show = writeJson(dir, 'show.json', {
    name: 'show', size: '320x180',
    decks: [{ id: 'a', source: { pipeline: 'test-pattern' } }],
    outputs: [{ type: 'shm', name: shmName }, { type: 'record', id: 'rec', enabled: false, dir: path.join(dir, 'rec'), container: 'mkv' }],
    osc: { enabled: false }, oscquery: { enabled: false },
    presets: { dir: path.join(dir, 'presets'), autosave: false, cues: [{ preset: 'Intro', label: 'intro' }, { preset: 'Drop', label: 'drop' }] },
  });
  return ['--show', show, '--no-status'];
}, () => {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(path.join('/dev/shm', shmName), { force: true });
});

beforeAll(async () => {
  page = await (await surface.browser.newContext({ viewport: { width: 1024, height: 768 }, hasTouch: true })).newPage();
  await page.goto(`${surface.base}/`);
  await page.locator('input[data-path="/mixer/crossfade"]').waitFor({ timeout: 10_000 });
}, 60_000);

const get = async <T,>(url: string): Promise<T> => (await (await fetch(`${surface.base}/api${url}`)).json()) as T;
const bpm = async () => (await get<{ base: number }>('/params/clock/bpm')).base;

describe('the show from the surface', () => {
  it('tempo: a typed BPM, half and double, and the clock source', async () => {
    await page.locator('[data-role="bpm-entry"]').fill('128');
    await page.locator('[data-role="bpm-entry"]').press('Enter');
    await until(async () => (await bpm()) === 128, 5000, 'BPM 128 typed');
    await page.locator('[data-tempo="half"]').tap();
    await until(async () => (await bpm()) === 64, 5000, 'half: 64');
    await page.locator('[data-tempo="double"]').tap();
    await until(async () => (await bpm()) === 128, 5000, 'double: 128');
    await page.locator('.tempo-panel select[data-path="/clock/source"]').selectOption('audio');
    await until(async () => (await get<{ base: string }>('/params/clock/source')).base === 'audio', 5000, 'the clock following the audio');
    await page.locator('.tempo-panel select[data-path="/clock/source"]').selectOption('internal');
  });

  it('cues: GO fires the next one, previous goes back, and the surface says which is on', async () => {
    const cue = async () => (await get<{ sections: { presets: { cue: number } } }>('/stats')).sections.presets.cue;
    expect(await cue()).toBe(-1);
    await page.locator('[data-cue-action="go"]').tap();
    await until(async () => (await cue()) === 0, 5000, 'cue 1 fired');
    await page.locator('[data-cue-action="go"]').tap();
    await until(async () => (await cue()) === 1, 5000, 'cue 2 fired');
    await until(async () => /cue 2\/2 drop/.test((await page.locator('.cue-now').textContent()) ?? ''), 5000, 'the surface on cue 2');
    await page.locator('[data-cue-action="previous"]').tap();
    await until(async () => (await cue()) === 0, 5000, 'back to cue 1');
  });

  it('outputs: a stopped recording is listed with its record button; record and stop from the surface', async () => {
    const rec = page.locator('[data-output="rec"]');
    await rec.waitFor({ timeout: 5000 });
    const state = async () => (await get<{ stats: { state: string } }>('/outputs/rec')).stats.state;
    expect(await state()).not.toBe('running');
    await rec.locator('button[data-output-action="start"]').tap();
    await until(async () => (await state()) === 'running', 10_000, 'recording');
    await until(async () => (await rec.locator('button').getAttribute('data-output-action')) === 'stop', 5000, 'the stop button shown');
    await rec.locator('button[data-output-action="stop"]').tap();
    await until(async () => (await state()) !== 'running', 10_000, 'recording stopped');
    expect(fs.readdirSync(path.join(dir, 'rec')).length).toBeGreaterThan(0);
    expect(await page.locator('[data-output]').count()).toBe(2);
  });

  it('audio and MIDI are said in words', async () => {
    const midi = (await page.locator('[data-input="midi"]').textContent()) ?? '';
    const audio = (await page.locator('[data-input="audio"]').textContent()) ?? '';
    // This machine has no MIDI controller and no capture device: the surface says what the host says.
    expect(midi).toMatch(/^MIDI(:| )/);
    expect(audio).toMatch(/^audio /);
  });
});
