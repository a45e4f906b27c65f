import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Type, type Static, type TObject } from '@sinclair/typebox';
import { parseSize } from '../../core/frame.js';
import { commonOutputFields, SizeString } from '../common-config.js';
import { defineOutputType, type OutputContext } from '../registry.js';
import { AudioTracks, Containers, X264Presets, type EncoderSettings } from './ffmpeg-args.js';
import { EncoderOutput } from './encoder-output.js';
import { makeDirs } from '../../core/make-dirs.js';

const encoderFields = (defaults: { bitrate: number; keyframeSeconds: number; audio: (typeof AudioTracks)[number] }) => ({
  bitrate: Type.Integer({ minimum: 200, maximum: 100_000, default: defaults.bitrate, description: 'Video bitrate in kbit/s.' }),
  keyframeSeconds: Type.Number({ minimum: 0.25, maximum: 10, default: defaults.keyframeSeconds, description: 'Keyframe interval.' }),
  preset: Type.Unsafe<(typeof X264Presets)[number]>({ type: 'string', enum: [...X264Presets], default: 'veryfast', description: 'x264 speed preset: faster uses less CPU, slower looks better.' }),
  size: Type.Optional(SizeString),
  fps: Type.Optional(Type.Number({ minimum: 1, maximum: 120, description: 'Encoded frame rate; default: the show\'s.' })),
  audio: Type.Unsafe<(typeof AudioTracks)[number]>({ type: 'string', enum: [...AudioTracks], default: defaults.audio, description: '"silent": a silent AAC track (services that require audio accept the stream); "none".' }),
  audioBitrate: Type.Integer({ minimum: 32, maximum: 512, default: 128, description: 'AAC bitrate in kbit/s.' }),
});

/** The encoder fields of an rtmp or record config, as ffmpeg settings for the show's frames. */
function encoderSettings(config: Static<TObject<ReturnType<typeof encoderFields>>>, ctx: OutputContext): EncoderSettings {
  return {
    input: { width: ctx.width, height: ctx.height },
    fps: ctx.fps,
    outputFps: config.fps ?? null,
    size: config.size ? parseSize(config.size) : null,
    bitrateKbps: config.bitrate,
    keyframeSeconds: config.keyframeSeconds,
    preset: config.preset,
    audio: config.audio,
    audioBitrateKbps: config.audioBitrate,
  };
}

export const rtmpOutputType = defineOutputType({
  type: 'rtmp',
  description: 'H.264/AAC in FLV to an RTMP(S) server: a streaming service or a local server (ffmpeg).',
  config: Type.Object(
    {
      ...commonOutputFields('rtmp'),
      url: Type.String({ pattern: '^rtmps?://[^/\\s]+/\\S+$', patternHint: 'an rtmp:// or rtmps:// URL: rtmp://host[:port]/app/streamKey', description: 'rtmp://host[:port]/app/streamKey (or rtmps://). The key is never logged.' }),
      ...encoderFields({ bitrate: 4500, keyframeSeconds: 2, audio: 'silent' }),
    },
    { additionalProperties: false },
  ),
  create(config, ctx) {
    return new EncoderOutput({
      id: config.id,
      type: 'rtmp',
      settings: encoderSettings(config, ctx),
      target: () => ({ kind: 'stream', url: config.url }),
      relayUrl: config.url,
      log: ctx.log,
    });
  },
});

export function defaultRecordingsDir(): string {
  return process.env.VJ_HOST_RECORDINGS ?? path.join(os.homedir(), 'Videos', 'vj-host');
}

export const recordOutputType = defineOutputType({
  type: 'record',
  description: 'Records H.264 to a file: fragmented MP4 or Matroska, so a crash still leaves a playable file.',
  config: Type.Object(
    {
      ...commonOutputFields('record'),
      dir: Type.String({ default: '', description: 'Folder for recordings ("~/" is your home); empty: $VJ_HOST_RECORDINGS or ~/Videos/vj-host.' }),
      prefix: Type.String({ default: 'vj-host', pattern: '^[A-Za-z0-9_-][A-Za-z0-9._ -]{0,63}$', description: 'File names are <prefix>-<date>-<time>.<container>.' }),
      container: Type.Unsafe<(typeof Containers)[number]>({ type: 'string', enum: [...Containers], default: 'mp4' }),
      ...encoderFields({ bitrate: 12_000, keyframeSeconds: 1, audio: 'none' }),
    },
    { additionalProperties: false },
  ),
  create(config, ctx) {
    const dir = expandHome(config.dir) || defaultRecordingsDir();
    return new EncoderOutput({
      id: config.id,
      type: 'record',
      settings: encoderSettings(config, ctx),
      target: () => ({ kind: 'file', path: recordingPath(dir, config.prefix, config.container), container: config.container }),
      log: ctx.log,
    });
  },
});

function expandHome(dir: string): string {
  return dir === '~' || dir.startsWith('~/') ? path.join(os.homedir(), dir.slice(1)) : dir;
}

/** A new file name per start (restarts included), so no recording overwrites another. */
export function recordingPath(dir: string, prefix: string, container: string, now = new Date()): string {
  makeDirs(dir);
  const stamp = now.toISOString().replace(/\.\d+Z$/, '').replace(/:/g, '-').replace('T', '-');
  let file = path.join(dir, `${prefix}-${stamp}.${container}`);
  for (let n = 2; fileTaken(file); n++) file = path.join(dir, `${prefix}-${stamp}-${n}.${container}`);
  return file;
}

const taken = new Set<string>();
function fileTaken(file: string): boolean {
  if (taken.has(file) || fs.existsSync(file)) return true;
  taken.add(file);
  return false;
}
