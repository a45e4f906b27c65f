import { Type, type Static } from '@sinclair/typebox';

/** The show file's `audio` section. */
export const AudioSection = Type.Object(
  {
    enabled: Type.Boolean({ default: true }),
    source: Type.String({ enum: ['capture', 'file'], default: 'capture', description: 'A capture device, or a file played in real time and looped.' }),
    device: Type.Union([Type.String({ minLength: 1 }), Type.Null()], { default: null, description: 'Capture device name (substring); null for the default.' }),
    file: Type.Union([Type.String({ minLength: 1 }), Type.Null()], { default: null, description: 'Any audio file ffmpeg reads, for source "file".' }),
    sampleRate: Type.Integer({ enum: [44100, 48000, 96000], default: 48000 }),
    channels: Type.Integer({ minimum: 1, maximum: 8, default: 2 }),
    blockSize: Type.Integer({ enum: [256, 512, 1024, 2048], default: 512, description: 'Samples per analysis block: smaller reacts sooner, larger resolves low notes better.' }),
    attackMs: Type.Number({ minimum: 0, maximum: 2000, default: 5, description: 'Envelope follower attack.' }),
    releaseMs: Type.Number({ minimum: 0, maximum: 10000, default: 150, description: 'Envelope follower release.' }),
  },
  { additionalProperties: false, default: {} },
);

export type AudioConfig = Static<typeof AudioSection>;
