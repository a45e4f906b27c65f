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
  modulation: {
    lfos: { lfo1: { shape: 'sine', sync: true, division: '2 bars' } },
    envelopes: {},
    // A slow swing of the feedback's spin, locked to the beat: the default show is already playable.
    routes: [{ id: 'swing', source: 'lfo1:out', target: '/deck/a/fx/0/rotation', amount: 0.004 }],
  },
  osc: { port: 9000, bind: '127.0.0.1', allow: [], feedback: [], signals: {}, enabled: true },
  oscquery: { port: 9001, bind: '127.0.0.1', enabled: true },
  midi: { enabled: true, inputs: ['*'], mappings: [] },
  presets: { dir: '', bank: 'default', cues: [], autosave: true },
  media: { dir: '' },
  control: { enabled: true, port: 8080, lan: false },
  audio: { enabled: true, source: 'capture', device: null, file: null, sampleRate: 48000, channels: 2, blockSize: 512, attackMs: 5, releaseMs: 150 },
};
