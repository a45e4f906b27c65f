import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { listCameras } from '../../pipelines/video/cameras.js';
import { controlHarness, type ControlHarness } from '../helpers/control-harness.js';
import { runCli } from '../helpers/host-process.js';

// These machines have no camera (no /dev/video*): the listing runs for real and says so. Where one is
// plugged in, the same calls list it with the formats ffmpeg reports.
const hasCamera = fs.existsSync('/dev') && fs.readdirSync('/dev').some((n) => /^video\d+$/.test(n));
let h: ControlHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe('cameras', () => {
  it('are listed with the reason when there are none', async () => {
    const list = await listCameras();
    if (hasCamera) expect(list.cameras.length + (list.note ? 1 : 0)).toBeGreaterThan(0);
    else expect(list).toEqual({ cameras: [], note: 'no video devices (/dev/video*) on this machine' });
  });

  it('vj-host --list-cameras prints them (here: the note) and exits 0', async () => {
    const { code, stdout } = await runCli(['--list-cameras']);
    expect(code).toBe(0);
    if (!hasCamera) expect(stdout).toContain('no video devices (/dev/video*) on this machine');
  });

  it('GET /api/cameras answers the same list', async () => {
    h = await controlHarness();
    const res = await h.server.app.inject({ method: 'GET', url: '/api/cameras' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(await listCameras());
  });
});
