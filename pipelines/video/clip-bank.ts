import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CLIP_EXTENSIONS, IMAGE_EXTENSIONS } from './video-input.js';

const PLAYABLE = [...CLIP_EXTENSIONS, ...IMAGE_EXTENSIONS];

export interface ClipEntry {
  /** What a video source's `source` takes. */
  name: string;
  bytes: number;
  modified: string;
  /** Where the control surface fetches its picture. */
  thumbnail: string;
}

export interface ClipBank {
  dir: string;
  clips: ClipEntry[];
  /** Why it may be empty (no folder yet). */
  note: string | null;
}

/** Thumbnails live beside the clips, made once per clip version (its modification time in the name). */
const THUMB_DIR = '.vj-host-thumbnails';
const THUMB_WIDTH = 160;

export class ClipNotFound extends Error {}

/** The clips in the media folder, by name. */
export function listClips(dir: string): ClipBank {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return { dir, clips: [], note: `no media folder at ${dir} yet: put clips there (or set media.dir, --media)` };
  }
  const clips = names
    .filter((n) => !n.startsWith('.') && PLAYABLE.includes(path.extname(n).toLowerCase()))
    .sort((a, b) => a.localeCompare(b))
    .flatMap((name) => {
      try {
        const st = fs.statSync(path.join(dir, name));
        return st.isFile() ? [{ name, bytes: st.size, modified: st.mtime.toISOString(), thumbnail: `/api/clips/${encodeURIComponent(name)}/thumbnail` }] : [];
      } catch {
        return [];
      }
    });
  return { dir, clips, note: clips.length ? null : `no clips in ${dir}` };
}

/** A JPEG of the clip (a representative frame, 160 px wide), made by ffmpeg the first time and cached. */
export async function clipThumbnail(dir: string, name: string): Promise<Buffer> {
  if (path.basename(name) !== name || name.startsWith('.') || !PLAYABLE.includes(path.extname(name).toLowerCase())) throw new ClipNotFound(`no clip "${name}"`);
  const file = path.join(dir, name);
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    throw new ClipNotFound(`no clip "${name}" in ${dir}`);
  }
  const cacheDir = path.join(dir, THUMB_DIR);
  const cached = path.join(cacheDir, `${name}.${Math.round(st.mtimeMs)}.jpg`);
  try {
    return fs.readFileSync(cached);
  } catch {
    // not made yet
  }
  fs.mkdirSync(cacheDir, { recursive: true });
  for (const old of fs.readdirSync(cacheDir)) if (old.startsWith(`${name}.`) && old !== path.basename(cached)) fs.rmSync(path.join(cacheDir, old), { force: true });
  const ffmpeg = process.env.VJ_HOST_FFMPEG ?? 'ffmpeg';
  const partial = `${cached}.${process.pid}.tmp`;
  await new Promise<void>((resolve, reject) => {
    execFile(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-i', file, '-map', '0:v:0', '-vf', `thumbnail,scale=${THUMB_WIDTH}:-2`, '-frames:v', '1', '-f', 'image2', '-c:v', 'mjpeg', '-y', partial], { timeout: 15_000 }, (error, _out, stderr) =>
      error ? reject(new Error(`cannot make a thumbnail of ${name}: ${String(stderr).trim().split('\n').at(-1) || error.message}`)) : resolve());
  });
  fs.renameSync(partial, cached);
  return fs.readFileSync(cached);
}
