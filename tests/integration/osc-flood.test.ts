import dgram from 'node:dgram';
import path from 'node:path';
import { encode } from 'node-osc';
import { describe, expect, it } from 'vitest';
import { ShmReader } from '../../outputs/shm/shm-reader.js';
import { hostPerTest, tempDir, uniqueShmName, writeJson } from '../helpers/host-process.js';

const hosts = hostPerTest();

describe('OSC flood against the real host', () => {
  it('100k messages in one second, good and bad mixed: no crash, the frame loop keeps its fps, logs stay rate-limited', async () => {
    const dir = tempDir('flood');
    const shmName = uniqueShmName('flood');
    hosts.remove(dir, path.join('/dev/shm', shmName));
    const show = writeJson(dir, 'show.json', {
      size: '640x360',
      decks: [{ id: 'a', source: { pipeline: 'test-pattern' }, chain: [{ pipeline: 'feedback', params: { zoom: 1.01 } }] }],
      outputs: [{ type: 'shm', name: shmName }],
    });
    const host = hosts.start(['--show', show]);
    await host.waitFor(/OSC listening on 127\.0\.0\.1:\d+/);
    await host.waitFor(/vj-host running/);
    const port = Number(/OSC listening on 127\.0\.0\.1:(\d+)/.exec(host.output())![1]);

    const packets = [
      encode({ oscType: 'message', address: '/deck/a/fx/0/zoom', args: [{ type: 'f', value: 1.5 }] }),
      encode({ oscType: 'message', address: '/deck/a/fx/0/zoom', args: [{ type: 's', value: 'huge' }] }),
      encode({ oscType: 'message', address: '/deck/a/fx/0/mix', args: [{ type: 'f', value: Number.NaN }] }),
      Buffer.from([1, 2, 3, 4, 5]),
      encode({ oscType: 'message', address: '/1/fader1', args: [{ type: 'f', value: 0.5 }] }),
      encode({ oscType: 'message', address: '/deck/*/fx/0/decay', args: [{ type: 'f', value: 0.1 }] }),
    ];
    const socket = dgram.createSocket('udp4');
    const reader = new ShmReader(path.join('/dev/shm', shmName));
    /** The frame rate over the next `frames` frames, as the shm reader sees them written. */
    const rateOver = async (frames: number): Promise<number> => {
      const from = reader.header()!.framesWritten;
      const start = performance.now();
      while (reader.header()!.framesWritten < from + frames) await new Promise((r) => setImmediate(r));
      return (frames * 1000) / (performance.now() - start);
    };
    const quietFps = await rateOver(30);
    const framesBefore = reader.header()!.framesWritten;
    const t0 = performance.now();
    let sent = 0;
    // 100 batches of 1,000 over one second.
    for (let batch = 0; batch < 100; batch++) {
      for (let i = 0; i < 1000; i++) socket.send(packets[(sent++ % packets.length)]!, port, '127.0.0.1');
      await new Promise((r) => setTimeout(r, 10 - ((performance.now() - t0) % 10)));
    }
    const floodSeconds = (performance.now() - t0) / 1000;
    const floodFps = (reader.header()!.framesWritten - framesBefore) / floodSeconds;
    const afterFps = await rateOver(15);
    reader.close();
    socket.close();

    expect(sent).toBe(100_000);
    expect(host.child.exitCode).toBeNull();
    // Judged against the same host before the flood, not a fixed rate: a busy machine is slower for both.
    expect(floodFps / quietFps).toBeGreaterThan(0.8);
    expect(afterFps / quietFps).toBeGreaterThan(0.8);
    const { code } = await host.stop('SIGINT');
    expect(code).toBe(0);
    const out = host.output();
    // Each kind is logged at most once a second (plus the first): a flood never floods the log.
    for (const kind of ['malformed', 'wrong-type', 'not-finite']) {
      const lines = out.split('\n').filter((l) => l.includes(`"kind":"${kind}"`)).length;
      expect(lines, kind).toBeGreaterThan(0);
      expect(lines, kind).toBeLessThanOrEqual(Math.ceil(floodSeconds + 0.5) + 1);
    }
  }, 30_000);
});
