import { execFile } from 'node:child_process';
import fs from 'node:fs';

export interface CameraFormat {
  /** ffmpeg's name for the pixel format or codec (yuyv422, mjpeg, h264). */
  format: string;
  sizes: string[];
}

export interface Camera {
  /** What a video source's `source` takes: /dev/video0, or camera:<name> on macOS and Windows. */
  source: string;
  name: string;
  formats: CameraFormat[];
}

export interface CameraList {
  cameras: Camera[];
  /** Why the list may be short: no devices, a platform without a listing. */
  note: string | null;
}

/** The cameras this machine has, with the formats ffmpeg can take from each (Linux: v4l2). */
export async function listCameras(): Promise<CameraList> {
  if (process.platform === 'linux') return listV4l2();
  if (process.platform === 'darwin') return listByFfmpeg(['-f', 'avfoundation', '-list_devices', 'true', '-i', ''], /\[(\d+)\] (.+)$/);
  if (process.platform === 'win32') return listByFfmpeg(['-list_devices', 'true', '-f', 'dshow', '-i', 'dummy'], /"(.+)" \(video\)/);
  return { cameras: [], note: `no camera listing on ${process.platform}` };
}

async function listV4l2(): Promise<CameraList> {
  let names: string[] = [];
  try {
    names = fs.readdirSync('/dev').filter((n) => /^video\d+$/.test(n)).sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
  } catch {
    // no /dev to read
  }
  if (names.length === 0) return { cameras: [], note: 'no video devices (/dev/video*) on this machine' };
  const cameras: Camera[] = [];
  for (const n of names) {
    const source = `/dev/${n}`;
    const text = await ffmpegStderr(['-f', 'v4l2', '-list_formats', 'all', '-i', source]);
    const formats = [...text.matchAll(/\] (?:Raw|Compressed)\s*:\s*(\S+)\s*:[^:]*:\s*(.*)$/gm)].map((m) => ({ format: m[1]!, sizes: m[2]!.trim().split(/\s+/).filter(Boolean) }));
    // Metadata nodes of a camera have no formats: only capture nodes are cameras.
    if (formats.length) cameras.push({ source, name: deviceName(n), formats });
  }
  return { cameras, note: cameras.length ? null : `${names.length} video device(s), none that captures` };
}

async function listByFfmpeg(args: string[], line: RegExp): Promise<CameraList> {
  const text = await ffmpegStderr(args);
  const cameras = text.split('\n').map((l) => line.exec(l)).filter((m): m is RegExpExecArray => m !== null).map((m) => {
    const name = m[2] ?? m[1]!;
    return { source: `camera:${name}`, name, formats: [] };
  });
  return { cameras, note: cameras.length ? null : 'no cameras found' };
}

function deviceName(node: string): string {
  try {
    return fs.readFileSync(`/sys/class/video4linux/${node}/name`, 'utf8').trim();
  } catch {
    return node;
  }
}

/** ffmpeg's report on stderr (these listings end in an error exit by design). */
function ffmpegStderr(args: string[]): Promise<string> {
  const ffmpeg = process.env.VJ_HOST_FFMPEG ?? 'ffmpeg';
  return new Promise((resolve) => {
    execFile(ffmpeg, ['-hide_banner', ...args], { timeout: 10_000 }, (_error, _stdout, stderr) => resolve(String(stderr)));
  });
}
