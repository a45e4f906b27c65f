import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { controlHarness, type ControlHarness } from '../helpers/control-harness.js';
import { makeCodedClip } from '../helpers/coded-clip.js';

// The media folder's clips through the real API, thumbnails made by real ffmpeg.
let h: ControlHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe('clip bank', () => {
  it('lists the media folder\'s clips with thumbnails made once and kept; a name outside it or not a clip is refused', async () => {
    h = await controlHarness();
    const media = h.engine.media.dir;
    const empty = (await h.server.app.inject({ method: 'GET', url: '/api/clips' })).json<{ clips: unknown[]; note: string }>();
    expect(empty).toMatchObject({ clips: [], note: expect.stringContaining('no media folder') as unknown });

    fs.mkdirSync(media, { recursive: true });
    await makeCodedClip(path.join(media, 'b-count.mp4'), { frames: 10, width: 160, height: 90, fps: 30 });
    await makeCodedClip(path.join(media, 'a-count.mkv'), { frames: 10, width: 160, height: 90, fps: 30 });
    fs.writeFileSync(path.join(media, 'notes.txt'), 'not a clip');
    const bank = (await h.server.app.inject({ method: 'GET', url: '/api/clips' })).json<{ clips: { name: string; thumbnail: string }[] }>();
    expect(bank.clips.map((c) => c.name)).toEqual(['a-count.mkv', 'b-count.mp4']);

    const first = await h.server.app.inject({ method: 'GET', url: bank.clips[1]!.thumbnail });
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toBe('image/jpeg');
    expect([...first.rawPayload.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    // Made once: the second answer is the same file, not a new one.
    const [cached] = fs.readdirSync(path.join(media, '.vj-host-thumbnails'));
    const madeAt = fs.statSync(path.join(media, '.vj-host-thumbnails', cached!)).mtimeMs;
    const second = await h.server.app.inject({ method: 'GET', url: bank.clips[1]!.thumbnail });
    expect(second.rawPayload.equals(first.rawPayload)).toBe(true);
    expect(fs.statSync(path.join(media, '.vj-host-thumbnails', cached!)).mtimeMs).toBe(madeAt);

    // A folder of pictures is a slideshow; its thumbnail is its first picture's.
    fs.mkdirSync(path.join(media, 'stills'));
    fs.mkdirSync(path.join(media, 'no-pictures'));
    await sharp({ create: { width: 64, height: 36, channels: 3, background: { r: 255, g: 0, b: 0 } } }).png().toFile(path.join(media, 'stills', 'red.png'));
    const withFolder = (await h.server.app.inject({ method: 'GET', url: '/api/clips' })).json<{ clips: { name: string; kind: string; thumbnail: string }[] }>();
    expect(withFolder.clips.map((c) => [c.name, c.kind])).toEqual([['a-count.mkv', 'clip'], ['b-count.mp4', 'clip'], ['stills/', 'slideshow']]);
    const folderThumb = await h.server.app.inject({ method: 'GET', url: withFolder.clips[2]!.thumbnail });
    expect(folderThumb.statusCode).toBe(200);
    const { data } = await sharp(folderThumb.rawPayload).raw().toBuffer({ resolveWithObject: true });
    expect(data[0]).toBeGreaterThan(200);

    for (const bad of ['..%2F..%2Fetc%2Fpasswd', 'notes.txt', 'missing.mp4', 'no-pictures%2F', '..%2F']) {
      const res = await h.server.app.inject({ method: 'GET', url: `/api/clips/${bad}/thumbnail` });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ error: 'VJ_CLIP_UNKNOWN' });
    }
  }, 60_000);
});
