import { describe, expect, it } from 'vitest';
import { ManualDriver } from '../../core/driver.js';
import { silentLog } from '../../core/log.js';
import { AudioInput, BLOCK_SIZE } from '../../inputs/audio/audio-input.js';
import { buildEngine } from '../../host/build-engine.js';
import { checkShow } from '../../host/show.js';
import { registerBuiltins } from '../../pipelines/builtins/index.js';
import { PipelineRegistry } from '../../pipelines/registry.js';
import { kicks } from '../helpers/audio-signals.js';

const registry = new PipelineRegistry();
registerBuiltins(registry);

/** Engine at 50 fps on a manual clock, with an audio input that the test feeds block by block (as the device would). */
async function setup(routes: unknown[] = []) {
  const show = checkShow(
    {
      size: '32x18', fps: 50,
      decks: [{ id: 'a', source: { pipeline: 'solid' }, chain: [{ pipeline: 'feedback', params: { decay: 0 } }] }],
      modulation: { routes },
    },
    registry,
  );
  const driver = new ManualDriver();
  const engine = await buildEngine(show, registry, { driver, log: silentLog });
  await engine.start();
  const audio = new AudioInput(engine, show.audio, silentLog);
  return { engine, driver, audio };
}

/** Plays `signal` in step with the frame clock: each 20 ms frame takes the blocks that arrived during it. */
function play(signal: Float32Array, audio: AudioInput, driver: ManualDriver, frames: number, onFrame: (frame: number) => void): void {
  let block = 0;
  for (let frame = 0; frame < frames; frame++) {
    const until = (frame + 1) * 0.02 * 48000;
    while ((block + 1) * BLOCK_SIZE <= until && (block + 1) * BLOCK_SIZE <= signal.length) {
      audio.analyse(signal.subarray(block * BLOCK_SIZE, (block + 1) * BLOCK_SIZE), ((block * BLOCK_SIZE) / 48000) * 1000);
      block++;
    }
    driver.tick();
    onFrame(frame);
  }
}

describe('audio signals in the modulation matrix (manual clock)', () => {
  it('a route from audio:low moves a parameter in time with the kicks', async () => {
    const { engine, driver, audio } = await setup([{ source: 'audio:low', target: '/deck/a/fx/0/decay', amount: 1 }]);
    const values: number[] = [];
    play(kicks(500, 6, 48000, 0), audio, driver, 300, () => values.push(engine.params.get('/deck/a/fx/0/decay') as number));
    // Frames are 20 ms; kicks every 500 ms = every 25 frames, starting at frame 0.
    for (let kick = 4; kick < 11; kick++) {
      const onKick = Math.max(...values.slice(kick * 25, kick * 25 + 4));
      const between = values[kick * 25 + 20]!;
      expect(onKick, `kick ${kick}`).toBeGreaterThan(0.7);
      expect(between, `after kick ${kick}`).toBeLessThan(0.2);
    }
  });

  it('with the clock source on audio, the host tempo follows the kicks', async () => {
    const { engine, driver, audio } = await setup();
    engine.params.set('/clock/source', 'audio');
    play(kicks(500, 9, 48000, 0), audio, driver, 450, () => {});
    expect(Math.abs(engine.stats().clock.bpm - 120)).toBeLessThan(2);
  });
});
