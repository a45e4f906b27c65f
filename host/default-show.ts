import type { ShowFile } from './show.js';

/**
 * The show the host runs when given none: the test pattern with semi-transparent bars, so an
 * alpha-keyed feedback spins trails behind them while the opaque frame code stays exact.
 */
export const defaultShow: ShowFile = {
  name: 'default',
  fps: 30,
  size: '1280x720',
  bpm: 120,
  decks: [
    {
      id: 'a',
      source: { pipeline: 'test-pattern', params: { barsOpacity: 0.35 } },
      chain: [
        { pipeline: 'feedback', params: { zoom: 1.02, rotation: 0.6, decay: 0.04, hueShift: 3, mix: 1, key: 'alpha' } },
      ],
    },
  ],
  mixer: { crossfade: 0, mode: 'crossfade' },
  outputs: [{ type: 'shm', name: 'vj-host', slots: 3 }],
};
