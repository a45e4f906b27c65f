import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialClockState } from '../../core/clock.js';
import { readFrameCode } from '../../core/frame-code.js';
import { silentLog, type Log } from '../../core/log.js';
import { defaultParams } from '../../core/params.js';
import { ClipPlayer } from '../../pipelines/video/clip-player.js';
import { ClipWindows, windowLead } from '../../pipelines/video/clip-windows.js';
import { resolveVideoInput } from '../../pipelines/video/video-input.js';
import { videoParams } from '../../pipelines/video/video-params.js';
import { makeCodedClip } from '../helpers/coded-clip.js';
import { tempDir } from '../helpers/host-process.js';
import { until } from '../helpers/until.js';

// A clip played backwards from disk, its windows decoded by real ffmpeg; the show's time is given by
// the test (as the manual driver gives it), so the playhead can outrun the decoding on purpose.
const W = 160;
const H = 90;
const media = tempDir('media-windows');
let windows: ClipWindows | null = null;
let player: ClipPlayer | null = null;

beforeAll(async () => {
  await makeCodedClip(path.join(media, 'long.mp4'), { frames: 300, width: W, height: H, fps: 30 });
}, 60_000);

afterAll(() => {
  windows?.dispose();
  player?.dispose();
  fs.rmSync(media, { recursive: true, force: true });
});

const codeOf = (data: Uint8Array | null): number | null => (data ? readFrameCode(data, W, H) : null);

describe('how far ahead backwards play fetches', () => {
  it('one window while a window decodes within its playing, more (at most 3) while it does not', () => {
    expect(windowLead(300, 1000)).toBe(1);
    expect(windowLead(1000, 1000)).toBe(2);
    expect(windowLead(1500, 1000)).toBe(2);
    expect(windowLead(2000, 1000)).toBe(3);
    expect(windowLead(60_000, 1000)).toBe(3);
    // Nothing measured yet: the window before.
    expect(windowLead(0, 1000)).toBe(1);
    expect(windowLead(500, 0)).toBe(1);
    // Without headroom (how far a lead comes back down): a window decoding in 90% of its play time needs one.
    expect(windowLead(900, 1000)).toBe(2);
    expect(windowLead(900, 1000, 1)).toBe(1);
  });
});

describe('a clip backwards from disk when decoding cannot keep up', () => {
  it('skips windows it could not decode in time and shows the one after on time; a window it stays in is decoded', async () => {
    const input = resolveVideoInput('long.mp4', media);
    if (input.kind !== 'clip') throw new Error('not a clip');
    windows = new ClipWindows({ input, setup: { fit: 'fit', size: { width: W, height: H }, hwDecode: false }, fps: 30, frames: 300 });
    const w = windows;
    expect(w.windowFrames).toBe(30);
    // Starts at the end: the last window and the one before it.
    expect(codeOf(w.frameAt(299, 0, 300, 0))).toBe(null);
    await until(() => w.settled, 20_000, 'the first windows decoded');
    expect(codeOf(w.frameAt(299, 0, 300, 0.0005))).toBe(299);
    // The window before was ready in time: one ahead is enough.
    expect(codeOf(w.frameAt(269, 0, 300, 0.001))).toBe(269);
    expect(w.lead).toBe(1);
    // A whole window played in 1 ms of show time, far quicker than one decodes: the next is late.
    expect(codeOf(w.frameAt(239, 0, 300, 0.002))).toBe(null);
    expect(w.lead).toBe(3);
    await until(() => w.settled, 20_000, 'the late window and the one three back decoded');
    const seeks = w.seeks;
    // The two windows between are skipped: late (the deck holds its last frame), nothing started for them.
    expect(codeOf(w.frameAt(209, 0, 300, 0.003))).toBe(null);
    expect(codeOf(w.frameAt(179, 0, 300, 0.004))).toBe(null);
    expect(w.seeks).toBe(seeks);
    // The window fetched three back is there when the playhead gets to it.
    expect(codeOf(w.frameAt(149, 0, 300, 0.005))).toBe(149);
    // Staying in a window longer than one plays (paused, slowed down): it is decoded after all.
    expect(codeOf(w.frameAt(119, 0, 300, 0.006))).toBe(null);
    w.frameAt(118, 0, 300, 0.5);
    await until(() => w.settled, 20_000, 'the window stayed in decoded');
    expect(codeOf(w.frameAt(117, 0, 300, 0.501))).toBe(117);
    // Played slowly enough that a window decodes within its play time: back to one ahead. A window plays
    // in 30 s of show time here, because how long one takes to decode (wall time) is set by the machine's
    // load: half a second alone, seconds beside a full suite.
    w.frameAt(89, 0, 300, 30.5);
    await until(() => w.settled, 20_000, 'the window ahead decoded');
    expect(codeOf(w.frameAt(59, 0, 300, 60.5))).toBe(59);
    expect(w.lead).toBe(1);
  });
});

describe('a clip played backwards from disk that falls behind', () => {
  it('says so once in the log, with the clip cache size that would hold it in memory', async () => {
    const input = resolveVideoInput('long.mp4', media);
    if (input.kind !== 'clip') throw new Error('not a clip');
    const warnings: string[] = [];
    const log: Log = { ...silentLog, warn: (message: unknown) => void warnings.push(String(message)) };
    // A 1 MB cache: the 300 frames of 160x90 (17 MB decoded) play from disk.
    player = new ClipPlayer(input, { setup: { fit: 'fit', size: { width: W, height: H }, hwDecode: false }, fps: 30, log, clipCacheBytes: 1024 * 1024 });
    const p = player;
    const params = { ...defaultParams(videoParams), reverse: true };
    const clock = initialClockState(30);
    /** A tick a whole window (1 s of the clip) on, in 1 ms of show time: a pace no decoding keeps up with. */
    const tick = (dt: number): void => {
      clock.frame++;
      clock.dt = dt;
      clock.time += 0.001;
      p.frame(clock, params);
    };
    await until(() => p.status().kind === 'clip', 20_000, 'the clip found too long for the cache', () => p.frame(clock, params));
    await until(() => p.status().buffered === true, 20_000, 'the last windows decoded', () => p.frame(clock, params));
    p.frame(clock, params);
    expect(p.status()).toMatchObject({ state: 'playing', frame: 299, windowLead: 1 });
    tick(1);
    expect(warnings).toEqual([]);
    for (let i = 0; i < 4; i++) tick(1);
    expect(p.status().windowLead).toBeGreaterThan(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/long\.mp4: played backwards from disk, decoding cannot keep up here.*media\.clipCacheMB of 17 or more keeps this clip in memory/);
  });
});
