import { afterEach, describe, expect, it } from 'vitest';
import { RealtimeDriver } from '../../core/driver.js';
import { readFrameCode } from '../../core/frame-code.js';
import { silentLog } from '../../core/log.js';
import { buildEngine } from '../../host/build-engine.js';
import type { Engine } from '../../host/engine.js';
import { checkShow } from '../../host/show.js';
import { registerBuiltins } from '../../pipelines/builtins/index.js';
import { PipelineRegistry } from '../../pipelines/registry.js';
import { expectRendering } from '../helpers/engine-rate.js';
import { freePort, startRtmpServer } from '../helpers/rtmp-server.js';
import { until } from '../helpers/until.js';

// One show streams its test pattern through its real RTMP output into nginx-rtmp on 127.0.0.1; a second
// show pulls that stream back as a video source, through real ffmpeg both ways.
const registry = new PipelineRegistry();
registerBuiltins(registry);
const W = 320;
const H = 180;
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const undo of cleanup.splice(0).reverse()) await undo();
});

async function show(doc: Record<string, unknown>): Promise<Engine> {
  const engine = await buildEngine(checkShow({ size: `${W}x${H}`, fps: 30, osc: { enabled: false }, ...doc }, registry), registry, { driver: new RealtimeDriver(), log: silentLog });
  await engine.start();
  cleanup.push(() => engine.stop());
  return engine;
}

/** The frame codes the receiving show puts out over a few hundred ms, in order (unreadable ones left out). */
async function receivedCodes(engine: Engine, count: number): Promise<number[]> {
  const codes: number[] = [];
  await until(() => {
    const c = engine.lastFrame ? readFrameCode(engine.lastFrame.data, W, H) : null;
    if (c !== null && c !== codes.at(-1)) codes.push(c);
    return codes.length >= count;
  }, 20_000, `${count} frame codes from the stream`);
  return codes;
}

describe('video source: a network stream', () => {
  it('plays a stream from another show in order; the server gone for 5 s: reconnecting, then playing again, the output rendering throughout', async () => {
    const server = await startRtmpServer();
    cleanup.push(() => server.dispose());
    const url = server.url('deck');
    await show({ decks: [{ id: 'a', source: { pipeline: 'test-pattern' } }], outputs: [{ type: 'rtmp', url, preset: 'ultrafast', bitrate: 1500 }] });
    const receiver = await show({ decks: [{ id: 'a', source: { pipeline: 'video', params: { source: url, whenLost: 'hold' } } }] });
    const source = () => receiver.stats().stages[0]!.status!;
    await until(() => source().state === 'loaded', 30_000, 'the stream playing');
    const first = await receivedCodes(receiver, 10);
    expect(first.every((c, i) => i === 0 || c > first[i - 1]!)).toBe(true);

    await server.stop();
    await until(() => source().detail?.state === 'reconnecting', 15_000, 'the source reconnecting');
    expect(source().error).toBeTruthy();
    await expectRendering(receiver, 3000);
    await server.start();
    await until(() => source().detail?.state === 'playing', 40_000, 'the stream back');
    const later = await receivedCodes(receiver, 5);
    expect(later[0]!).toBeGreaterThan(first.at(-1)!);
  }, 120_000);

  it('a URL that never answers: reconnecting with the reason, the output rendering', async () => {
    const port = await freePort();
    const receiver = await show({ decks: [{ id: 'a', source: { pipeline: 'video', params: { source: `rtmp://127.0.0.1:${port}/live/nobody` } } }] });
    const source = () => receiver.stats().stages[0]!.status!;
    await until(() => source().detail?.state === 'reconnecting', 20_000, 'the source reconnecting');
    expect(source().error).toMatch(/Connection refused|nobody|ended|error/i);
    await expectRendering(receiver, 1500);
  }, 60_000);
});
