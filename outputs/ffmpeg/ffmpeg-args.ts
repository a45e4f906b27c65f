import type { Size } from '../../core/frame.js';

export const X264Presets = ['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium'] as const;
export type X264Preset = (typeof X264Presets)[number];
export const AudioTracks = ['silent', 'none'] as const;
export type AudioTrack = (typeof AudioTracks)[number];
export const Containers = ['mp4', 'mkv'] as const;
export type Container = (typeof Containers)[number];

export interface EncoderSettings {
  /** Size and rate of the raw frames the host writes. */
  input: Size;
  fps: number;
  /** Encoded rate (frames repeated or dropped by ffmpeg); the input rate when null. */
  outputFps?: number | null;
  /** Encoded size (scaled by ffmpeg); the input size when null. */
  size: Size | null;
  bitrateKbps: number;
  keyframeSeconds: number;
  preset: X264Preset;
  audio: AudioTrack;
  audioBitrateKbps: number;
}

export type EncoderTarget = { kind: 'stream'; url: string } | { kind: 'file'; path: string; container: Container };

/**
 * The ffmpeg command line for raw RGBA frames (stdin or a named pipe) -> H.264 (+ AAC) -> FLV over RTMP, or a
 * fragmented MP4 / Matroska file. Frames are stamped with the wall clock on arrival and re-timed to a
 * constant rate, so a frame the host had to drop shows as a repeat instead of making the stream run slow.
 */
export function encoderArgs(settings: EncoderSettings, target: EncoderTarget, source = 'pipe:0'): string[] {
  const { input, fps } = settings;
  const rate = settings.outputFps ?? fps;
  const gop = Math.max(1, Math.round(rate * settings.keyframeSeconds));
  const args = [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    '-progress', 'pipe:1', '-stats_period', '0.5',
    '-f', 'rawvideo', '-pix_fmt', 'rgba', '-video_size', `${input.width}x${input.height}`, '-framerate', String(fps),
    '-use_wallclock_as_timestamps', '1', '-thread_queue_size', '4', '-i', source,
  ];
  if (settings.audio === 'silent') args.push('-f', 'lavfi', '-i', 'anullsrc=channel_layout=stereo:sample_rate=48000');
  const filters: string[] = [];
  if (settings.size && (settings.size.width !== input.width || settings.size.height !== input.height)) {
    filters.push(`scale=${settings.size.width}:${settings.size.height}:flags=bilinear`);
  }
  if (filters.length) args.push('-vf', filters.join(','));
  args.push(
    '-map', '0:v',
    '-c:v', 'libx264', '-preset', settings.preset, '-tune', 'zerolatency',
    // RGBA input would otherwise be encoded 4:4:4 (High 4:4:4), which players and services reject.
    '-pix_fmt', 'yuv420p',
    '-b:v', `${settings.bitrateKbps}k`, '-maxrate', `${settings.bitrateKbps}k`, '-bufsize', `${settings.bitrateKbps * 2}k`,
    '-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0',
    '-fps_mode', 'cfr', '-r', String(rate),
  );
  if (settings.audio === 'silent') args.push('-map', '1:a', '-c:a', 'aac', '-b:a', `${settings.audioBitrateKbps}k`, '-shortest');
  if (target.kind === 'stream') {
    args.push('-f', 'flv', '-flvflags', 'no_duration_filesize', target.url);
  } else if (target.container === 'mp4') {
    // Fragmented, and each fragment written out as it closes (ffmpeg otherwise holds them in its buffer):
    // a crash, even of ffmpeg itself, leaves a playable file missing at most the last second.
    args.push('-f', 'mp4', '-movflags', '+frag_keyframe+empty_moov+default_base_moof', '-frag_duration', '1000000', '-flush_packets', '1', '-y', target.path);
  } else {
    args.push('-f', 'matroska', '-cluster_time_limit', '1000', '-flush_packets', '1', '-y', target.path);
  }
  return args;
}

/** A stream URL with its key (the path after the application) and any credentials hidden, for logs and stats. */
export function redactUrl(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)(?:[^@/]*@)?([^/]*)(\/[^/?#]*)?(.*)$/i.exec(url);
  if (!match) return '***';
  const [, scheme, host, app = '', rest = ''] = match;
  return `${scheme}${host}${app}${rest ? '/***' : ''}`;
}

/** Replaces every occurrence of the secret URL (and its key) in a line of ffmpeg output. */
export function redactIn(text: string, url: string): string {
  if (!url) return text;
  let out = text.split(url).join(redactUrl(url));
  const key = /^[a-z][a-z0-9+.-]*:\/\/[^/]*\/[^/?#]*\/(.+)$/i.exec(url)?.[1];
  if (key && key.length >= 3) out = out.split(key).join('***');
  return out;
}
