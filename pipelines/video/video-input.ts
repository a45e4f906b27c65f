import fs from 'node:fs';
import path from 'node:path';
import type { FitMode } from './video-params.js';

/** What a `source` names, checked: a clip file, a camera or a stream, with ffmpeg's input arguments. */
export type VideoInput =
  | { kind: 'clip'; file: string; label: string; args: string[] }
  | { kind: 'image'; file: string; label: string; args: string[] }
  /** A folder of pictures in the media folder, played one after another. */
  | { kind: 'slideshow'; files: string[]; label: string; args: string[] }
  | { kind: 'camera' | 'stream'; label: string; args: string[] };

/** Stream schemes the host opens, and the protocols each may use underneath (nothing else: no file: or pipe: from a URL). */
const STREAM_PROTOCOLS: Record<string, string> = {
  rtmp: 'rtmp,tcp',
  rtmps: 'rtmps,rtmp,tcp,tls',
  srt: 'srt,udp',
  rtsp: 'rtsp,rtp,udp,tcp',
  http: 'http,https,tcp,tls,crypto,hls',
  https: 'http,https,tcp,tls,crypto,hls',
  udp: 'udp,rtp',
};
/** A network input that says nothing for this long has gone: ffmpeg gives up and the source reconnects. */
const NETWORK_TIMEOUT_US = 5_000_000;

/** Still pictures, decoded by sharp. */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp'];

export const CLIP_EXTENSIONS = ['.mp4', '.mov', '.mkv', '.webm', '.avi', '.m4v', '.mpg', '.mpeg', '.ts', '.mxf', '.gif', '.hap'];

export class VideoInputError extends Error {}

/** Checks `source` and says how ffmpeg opens it; throws a VideoInputError naming what is wrong. */
export function resolveVideoInput(source: string, mediaDir: string): VideoInput {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(source)?.[1]?.toLowerCase();
  if (scheme) {
    const protocols = STREAM_PROTOCOLS[scheme];
    if (!protocols) throw new VideoInputError(`stream "${source}": the scheme ${scheme}: is not one the host opens (${Object.keys(STREAM_PROTOCOLS).join(', ')})`);
    const timeout = scheme === 'rtsp' ? ['-timeout', String(NETWORK_TIMEOUT_US)] : scheme === 'udp' || scheme === 'srt' ? [] : ['-rw_timeout', String(NETWORK_TIMEOUT_US)];
    return { kind: 'stream', label: source, args: ['-protocol_whitelist', protocols, ...timeout, '-fflags', 'nobuffer', '-flags', 'low_delay', '-i', source] };
  }
  const camera = cameraInput(source);
  if (camera) return camera;
  // A folder is named with or without its trailing slash.
  const name = source.endsWith('/') ? source.slice(0, -1) : source;
  if (path.basename(name) !== name || name === '' || name.startsWith('.')) {
    throw new VideoInputError(`clip "${source}": must be a file or folder name in the media folder (${mediaDir}), a camera or a stream URL`);
  }
  const file = path.join(mediaDir, name);
  const st = fs.lstatSync(file, { throwIfNoEntry: false });
  if (!st || st.isSymbolicLink()) throw new VideoInputError(`clip not found: ${file}`);
  if (st.isDirectory()) return slideshowInput(file, name);
  if (IMAGE_EXTENSIONS.includes(path.extname(source).toLowerCase())) return { kind: 'image', file, label: source, args: [] };
  return { kind: 'clip', file, label: source, args: ['-i', file] };
}

/** The pictures in a folder (not its subfolders), in name order. */
export function picturesIn(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.startsWith('.') && IMAGE_EXTENSIONS.includes(path.extname(e.name).toLowerCase()))
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b));
}

function slideshowInput(dir: string, name: string): VideoInput {
  const files = picturesIn(dir).map((f) => path.join(dir, f));
  if (files.length === 0) throw new VideoInputError(`slideshow "${name}/": no pictures (${IMAGE_EXTENSIONS.join(', ')}) in ${dir}`);
  return { kind: 'slideshow', files, label: `${name}/`, args: [] };
}

function cameraInput(source: string): VideoInput | null {
  if (/^\/dev\/video\d+$/.test(source)) {
    if (!fs.existsSync(source)) throw new VideoInputError(`camera ${source}: no such device (unplugged?)`);
    return { kind: 'camera', label: source, args: ['-f', 'v4l2', '-i', source] };
  }
  const name = /^camera:(.+)$/.exec(source)?.[1];
  if (!name) return null;
  if (process.platform === 'linux') return cameraInput(/^\d+$/.test(name) ? `/dev/video${name}` : name);
  if (process.platform === 'darwin') return { kind: 'camera', label: source, args: ['-f', 'avfoundation', '-framerate', '30', '-i', name] };
  if (process.platform === 'win32') return { kind: 'camera', label: source, args: ['-f', 'dshow', '-i', `video=${name}`] };
  throw new VideoInputError(`camera "${name}": cameras are not supported on ${process.platform}`);
}

/**
 * ffmpeg's output side: scaled to the show size as `fit` says, raw RGBA into `output`, every decoded
 * frame once (passthrough: no frame repeated or dropped to fit a constant rate, so a clip stays
 * frame-exact and a live source's newest frame is its newest).
 */
export function decodeArgs(input: VideoInput, fit: FitMode, width: number, height: number, output: string, o: DecodeExtras = {}): string[] {
  const scale = {
    stretch: `scale=${width}:${height}`,
    fit: `scale=${width}:${height}:force_original_aspect_ratio=decrease,pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2:color=black@0`,
    fill: `scale=${width}:${height}:force_original_aspect_ratio=increase,crop=${width}:${height}`,
  }[fit];
  // A hardware decoder's frames come back to memory for the scaler; ffmpeg decodes in software where it has none.
  const hw = o.hwDecode && (input.kind === 'clip' || input.kind === 'stream') ? ['-hwaccel', 'auto'] : [];
  const scaled = ['-map', '0:v:0', '-an', '-vf', `format=rgba,${scale},setsar=1`, '-fps_mode', 'passthrough', '-pix_fmt', 'rgba'];
  return [...hw, ...(o.input ?? []), ...input.args, ...scaled, ...(o.output ?? []), '-f', 'rawvideo', '-y', output];
}

/** Bytes of one decoded frame: ffmpeg hands every frame over as RGBA at the show size. */
export function decodedFrameBytes(size: { width: number; height: number }): number {
  return size.width * size.height * 4;
}

/** How a source is decoded for this show: fitted to its size, with or without a hardware decoder. */
export interface DecodeSetup {
  fit: FitMode;
  size: { width: number; height: number };
  hwDecode: boolean;
}

/** ffmpeg's whole command line for `input` as `setup` says, with extra input and output options. */
export function decodeCommand(input: VideoInput, setup: DecodeSetup, output: string, extra: Omit<DecodeExtras, 'hwDecode'> = {}): string[] {
  return decodeArgs(input, setup.fit, setup.size.width, setup.size.height, output, { ...extra, hwDecode: setup.hwDecode });
}

export interface DecodeExtras {
  /** Input options (before -i): a seek, pacing. */
  input?: string[];
  /** Output options: a frame count. */
  output?: string[];
  hwDecode?: boolean;
}
