import { CLIP_CACHE_MB } from '../pipelines/video/media-options.js';
import type { ShowFile } from './show.js';

/**
 * The show the host runs when given none. Deck B: the test pattern through the candy style model that
 * ships with the host (decoupled, its rate held by the governor at a size the machine can run, fading
 * from one result to the next). Deck A, laid over it through its alpha: the test pattern's disc and
 * frame code with transparent bars, an alpha-keyed feedback spinning trails behind the disc at the full
 * frame rate. The frame code stays exact. With provider auto the model runs on the GPU where one exists.
 */
export const defaultShow: ShowFile = {
  name: 'default',
  fps: 30,
  size: '1280x720',
  bpm: 120,
  decks: [
    {
      id: 'a',
      source: { pipeline: 'test-pattern', params: { barsOpacity: 0 } },
      chain: [
        { pipeline: 'feedback', params: { zoom: 1.02, rotation: 0.6, decay: 0.12, hueShift: 3, mix: 1, key: 'alpha' } },
      ],
    },
    {
      id: 'b',
      source: { pipeline: 'test-pattern', params: { frameCode: false, speed: 0.1 } },
      chain: [
        {
          pipeline: 'style-candy',
          params: { workingWidth: 224, workingHeight: 128, minWidth: 96, targetFps: 4, betweenResults: 'crossfade', mix: 1 },
        },
      ],
    },
  ],
  mixer: { crossfade: 0, mode: 'alpha' },
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
  media: { dir: '', clipCacheMB: CLIP_CACHE_MB, hwDecode: true },
  gpu: 'auto',
  control: { enabled: true, port: 8080, lan: false },
  audio: { enabled: true, source: 'capture', device: null, file: null, sampleRate: 48000, channels: 2, blockSize: 512, attackMs: 5, releaseMs: 150 },
};
