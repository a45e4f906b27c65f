import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../helpers/until.js';
import { Backoff } from '../../core/backoff.js';
import { ManualDriver } from '../../core/driver.js';
import { createFrame } from '../../core/frame.js';
import { silentLog } from '../../core/log.js';
import { RgbaScaler } from '../../core/scale-rgba.js';
import { buildEngine } from '../../host/build-engine.js';
import { checkShow } from '../../host/show.js';
import { encoderArgs, redactIn, redactUrl, type EncoderSettings } from '../../outputs/ffmpeg/ffmpeg-args.js';
import { ProgressReader } from '../../outputs/ffmpeg/progress.js';
import { LatestFrameSender } from '../../outputs/latest-frame-sender.js';
import { FrameShelf } from '../../core/frame-shelf.js';
import type { Frame } from '../../core/frame.js';
import { parseNdiSource } from '../../pipelines/builtins/ndi-input.js';
import { registerBuiltins } from '../../pipelines/builtins/index.js';
import { PipelineRegistry } from '../../pipelines/registry.js';
import { tempDir, uniqueShmName } from '../helpers/host-process.js';

function frame(index: number, width = 4, height = 2) {
  const f = createFrame(width, height);
  f.data.fill(index & 255);
  f.index = index;
  return f;
}

describe('latest-wins frame sender', () => {
  it('sends at once when idle, keeps only the newest while busy, and accounts for every frame', () => {
    const started: Frame[] = [];
    const sender = new LatestFrameSender((copy) => started.push({ ...copy, data: copy.data.slice() }));
    sender.offer(frame(1));
    sender.offer(frame(2));
    sender.offer(frame(3));
    sender.offer(frame(4));
    expect(started.map((c) => c.index)).toEqual([1]);
    sender.done();
    expect(started.map((c) => c.index)).toEqual([1, 4]);
    expect(started[1]!.data[0]).toBe(4);
    sender.done();
    sender.offer(frame(5));
    expect(started.map((c) => c.index)).toEqual([1, 4, 5]);
    expect({ sent: sender.sent, dropped: sender.dropped }).toEqual({ sent: 3, dropped: 2 });
  });

  it('never writes into the buffer in flight', () => {
    const inFlight: Uint8Array[] = [];
    const sender = new LatestFrameSender((copy) => inFlight.push(copy.data));
    sender.offer(frame(10));
    for (let i = 11; i < 20; i++) sender.offer(frame(i));
    expect(inFlight[0]![0]).toBe(10);
    sender.done();
    expect(inFlight[1]![0]).toBe(19);
    expect(inFlight[1]).not.toBe(inFlight[0]);
  });

  it('keeps frames the engine shares by reference, and gives them back to the shelf when sent or replaced', () => {
    const shelf = new FrameShelf(4, 2);
    const sent: { frame: Frame; index: number }[] = [];
    const sender = new LatestFrameSender((f) => sent.push({ frame: f, index: f.index }));
    const publish = (i: number) => {
      const f = shelf.publish(frame(i));
      sender.offer(f);
      f.hold!.release(); // the engine lets go after handing it out
      return f;
    };
    const first = publish(1);
    expect(sent[0]!.frame).toBe(first); // no copy
    publish(2);
    publish(3); // replaces 2, which goes back to the shelf
    expect(shelf.allocated).toBe(3);
    sender.done(); // 1 done, 3 goes out
    expect(sent.map((f) => f.index)).toEqual([1, 3]);
    expect(sent[1]!.frame.data[0]).toBe(3);
    publish(4);
    publish(5);
    sender.done();
    sender.done();
    // Frames in flight and waiting are never reused: only three ever existed.
    expect(shelf.allocated).toBe(3);
    expect(sent.map((f) => f.index)).toEqual([1, 3, 5]);
  });
});

describe('ffmpeg command lines', () => {
  const settings: EncoderSettings = { input: { width: 1280, height: 720 }, fps: 30, size: null, bitrateKbps: 4500, keyframeSeconds: 2, preset: 'veryfast', audio: 'silent', audioBitrateKbps: 128 };
  const joined = (args: string[]): string => args.join(' ');

  it('streams H.264 4:2:0 with a keyframe every 2 s, zero latency, silent AAC, as FLV', () => {
    const args = joined(encoderArgs(settings, { kind: 'stream', url: 'rtmp://a/live/k' }));
    expect(args).toContain('-f rawvideo -pix_fmt rgba -video_size 1280x720 -framerate 30');
    expect(args).toContain('-c:v libx264 -preset veryfast -tune zerolatency -pix_fmt yuv420p');
    expect(args).toContain('-b:v 4500k -maxrate 4500k -bufsize 9000k -g 60 -keyint_min 60');
    expect(args).toContain('anullsrc');
    expect(args).toContain('-c:a aac -b:a 128k');
    expect(args).toMatch(/-f flv .*rtmp:\/\/a\/live\/k$/);
  });

  it('scales only when asked; records fragmented MP4 or Matroska without audio', () => {
    const scaled = joined(encoderArgs({ ...settings, size: { width: 640, height: 360 } }, { kind: 'stream', url: 'rtmp://a/b/c' }));
    expect(scaled).toContain('scale=640:360');
    expect(joined(encoderArgs(settings, { kind: 'stream', url: 'rtmp://a/b/c' }))).not.toContain('scale=');
    const halfRate = joined(encoderArgs({ ...settings, outputFps: 15 }, { kind: 'stream', url: 'rtmp://a/b/c' }));
    expect(halfRate).toContain('-framerate 30');
    expect(halfRate).toContain('-g 30 -keyint_min 30');
    expect(halfRate).toContain('-r 15');
    const mp4 = joined(encoderArgs({ ...settings, audio: 'none' }, { kind: 'file', path: '/r/x.mp4', container: 'mp4' }));
    expect(mp4).toContain('-movflags +frag_keyframe+empty_moov+default_base_moof');
    expect(mp4).toContain('-flush_packets 1');
    expect(mp4).not.toContain('aac');
    expect(joined(encoderArgs(settings, { kind: 'file', path: '/r/x.mkv', container: 'mkv' }))).toContain('-f matroska');
  });

  it('hides the stream key and credentials in URLs and in ffmpeg messages', () => {
    expect(redactUrl('rtmp://live.example.com/app/sk_live_123')).toBe('rtmp://live.example.com/app/***');
    expect(redactUrl('rtmps://user:pw@host:443/live2/abc?x=1')).toBe('rtmps://host:443/live2/***');
    expect(redactUrl('rtmp://host/app')).toBe('rtmp://host/app');
    const url = 'rtmp://h:1935/live/secret-key-77';
    expect(redactIn(`${url}: Connection refused`, url)).toBe('rtmp://h:1935/live/***: Connection refused');
    expect(redactIn('stream secret-key-77 gone', url)).toBe('stream *** gone');
  });

  it('reads -progress blocks, whole or split across chunks', () => {
    const reader = new ProgressReader();
    expect(reader.feed('frame=10\nfps=29.5\nspe')).toBe(false);
    expect(reader.feed('ed=1.01x\nprogress=continue\n')).toBe(true);
    expect(reader.latest).toEqual({ frame: 10, fps: 29.5, speed: 1.01 });
  });
});

describe('small pieces', () => {
  it('backoff doubles to its cap and starts over after a reset', () => {
    const b = new Backoff(1000, 5000);
    expect([b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([1000, 2000, 4000, 5000, 5000]);
    b.reset();
    expect(b.next()).toBe(1000);
  });

  it('NDI source text: host:port is an address, anything else a name', () => {
    expect(parseNdiSource('127.0.0.1:5961')).toEqual({ url: '127.0.0.1:5961' });
    expect(parseNdiSource('STUDIO-PC (Resolume Arena)')).toEqual({ name: 'STUDIO-PC (Resolume Arena)' });
    expect(parseNdiSource('  ')).toBeNull();
  });

  it('nearest-neighbour scaling keeps corners and copies same-size frames with a stride', () => {
    const src = new Uint8Array(2 * 2 * 4);
    const words = new Uint32Array(src.buffer);
    words.set([1, 2, 3, 4]);
    const dst = new Uint8Array(4 * 4 * 4);
    new RgbaScaler().scale(src, 2, 2, 8, dst, 4, 4);
    expect([...new Uint32Array(dst.buffer)]).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
    const padded = new Uint8Array(2 * 12); // 2 rows of 2 pixels, stride 12
    padded.set([9, 9, 9, 9], 12);
    const same = new Uint8Array(16);
    new RgbaScaler().scale(padded, 2, 2, 12, same, 2, 2);
    expect([...same.subarray(8, 12)]).toEqual([9, 9, 9, 9]);
  });
});

describe('output manager', () => {
  const registry = new PipelineRegistry();
  registerBuiltins(registry);
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  async function engineWith(outputs: unknown[]) {
    const show = checkShow({ size: '32x16', decks: [{ id: 'a', source: { pipeline: 'solid' } }, { id: 'b', source: { pipeline: 'solid', params: { color: '#ffffff' } } }], outputs }, registry);
    const driver = new ManualDriver();
    const engine = await buildEngine(show, registry, { driver, log: silentLog });
    await engine.start();
    return { engine, driver };
  }

  it('holds back a disabled output; start, stop, the OSC actions and remove take effect between frames', async () => {
    const dir = tempDir('manager');
    dirs.push(dir);
    process.env.VJ_HOST_SHM_DIR = dir;
    try {
      const { engine, driver } = await engineWith([{ type: 'shm', id: 'live', name: uniqueShmName('m1') }, { type: 'shm', id: 'held', name: uniqueShmName('m2'), enabled: false }]);
      driver.tick(3);
      expect(engine.outputManager.list().map((o) => [o.id, o.stats.state, o.stats.sent])).toEqual([['live', 'running', 3], ['held', 'stopped', 0]]);
      await engine.outputManager.start('held');
      driver.tick(2);
      expect(engine.outputManager.get('held').stats.sent).toBe(2);
      engine.actions.invoke('/output/held/stop', [], 0);
      driver.tick(1); // the action runs at this frame boundary
      await until(() => engine.outputManager.get('held').stats.state === 'stopped', 5000, 'the held output stopped');
      driver.tick(2);
      expect(engine.outputManager.get('held').stats).toMatchObject({ state: 'stopped', sent: 3 });
      engine.actions.invoke('/output/held/enabled', [1], 0);
      driver.tick(1);
      await until(() => engine.outputManager.get('held').stats.state === 'running', 5000, 'the held output running again');
      driver.tick(1);
      expect(engine.outputManager.get('held').stats.state).toBe('running');
      await engine.outputManager.remove('live');
      expect(engine.outputManager.list().map((o) => o.id)).toEqual(['held']);
      expect(engine.outputList()).toHaveLength(1);
      await engine.stop();
    } finally {
      delete process.env.VJ_HOST_SHM_DIR;
    }
  });

  it('feeds a deck\'s own picture to an output that asks for it', async () => {
    const dir = tempDir('manager-feed');
    dirs.push(dir);
    const { engine, driver } = await engineWith([]);
    const { CollectingOutput } = await import('../helpers/collecting-output.js');
    const main = new CollectingOutput('main');
    const deckB = new CollectingOutput('b');
    engine.addOutput(main);
    engine.addOutput(deckB, 'b');
    driver.tick(1);
    expect(main.frames[0]!.pixel0).toEqual([0, 0, 0, 255]);
    expect(deckB.frames[0]!.pixel0).toEqual([255, 255, 255, 255]);
    expect(() => engine.addOutput(new CollectingOutput('x'), 'zz')).toThrow(/no such deck/);
    await engine.stop();
  });

  it('outputs that send later get a held shared frame (one copy per tick for all of them); the others get the frame itself', async () => {
    const { engine, driver } = await engineWith([]);
    const seen: { holder: boolean; hold: boolean; frame: unknown }[] = [];
    const probe = (id: string, holdsFrames: boolean) => ({
      id, type: 'probe', holdsFrames,
      start: () => Promise.resolve(), stop: () => Promise.resolve(),
      stats: () => ({ id, type: 'probe', state: 'running' as const, sent: 0, dropped: 0, lastError: null, detail: {} }),
      submit(frame: Frame) {
        seen.push({ holder: holdsFrames, hold: frame.hold !== undefined, frame });
      },
    });
    engine.addOutput(probe('a', true));
    engine.addOutput(probe('b', true));
    engine.addOutput(probe('c', false));
    driver.tick(1);
    expect(seen.map((s) => [s.holder, s.hold])).toEqual([[true, true], [true, true], [false, false]]);
    expect(seen[0]!.frame).toBe(seen[1]!.frame); // one shared copy for both
    await engine.stop();
  });

  it('refuses bad configs naming the field, and unknown ids, leaving everything as it was', async () => {
    const { engine } = await engineWith([]);
    await expect(engine.outputManager.add({ type: 'vhs', id: 'x' })).rejects.toThrow(/outputs\.x\.type: must be one of "shm", "ndi", "rtmp", "record"/);
    await expect(engine.outputManager.add({ type: 'ndi', id: 'x', feed: 'c' })).rejects.toThrow(/outputs\.x\.feed: no deck "c"/);
    await expect(engine.outputManager.add({ type: 'record', id: 'x', container: 'avi' })).rejects.toThrow(/outputs\.x\.container: must be one of "mp4", "mkv"/);
    await expect(engine.outputManager.stop('x')).rejects.toThrow(/no output "x" \(outputs: none\)/);
    expect(engine.outputManager.list()).toEqual([]);
    await engine.stop();
  });
});
