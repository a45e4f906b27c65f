import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CLIP_EXTENSIONS, IMAGE_EXTENSIONS, picturesIn } from './video-input.js';
import type { ClipBank, ClipEntry } from './clip-bank-types.js';

export type { ClipBank, ClipEntry };

const PLAYABLE = [...CLIP_EXTENSIONS, ...IMAGE_EXTENSIONS];

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
    .filter((n) => !n.startsWith('.'))
    .sort((a, b) => a.localeCompare(b))
    .flatMap((name) => entry(dir, name));
  return { dir, clips, note: clips.length ? null : `no clips in ${dir}` };
}

function entry(dir: string, name: string): ClipEntry[] {
  try {
    const st = fs.lstatSync(path.join(dir, name));
    const common = { bytes: st.size, modified: st.mtime.toISOString() };
    if (st.isDirectory()) {
      const pictures = picturesIn(path.join(dir, name)).length;
      return pictures ? [{ name: `${name}/`, kind: 'slideshow', pictures, ...common, thumbnail: thumbnailUrl(`${name}/`) }] : [];
    }
    if (!st.isFile()) return [];
    const ext = path.extname(name).toLowerCase();
    if (!PLAYABLE.includes(ext)) return [];
    return [{ name, kind: IMAGE_EXTENSIONS.includes(ext) ? 'picture' : 'clip', ...common, thumbnail: thumbnailUrl(name) }];
  } catch {
    return [];
  }
}

const thumbnailUrl = (name: string): string => `/api/clips/${encodeURIComponent(name)}/thumbnail`;

/** What a bank name's thumbnail is made from: the clip or picture itself, or a slideshow's first picture. */
function thumbnailSource(dir: string, name: string): { file: string; st: fs.Stats } {
  const folder = name.endsWith('/') ? name.slice(0, -1) : null;
  const base = folder ?? name;
  if (path.basename(base) !== base || base === '' || base.startsWith('.') || (!folder && !PLAYABLE.includes(path.extname(name).toLowerCase()))) throw new ClipNotFound(`no clip "${name}"`);
  try {
    const file = folder ? path.join(dir, folder, picturesIn(path.join(dir, folder))[0] ?? '') : path.join(dir, name);
    const st = fs.lstatSync(file);
    if (!st.isFile()) throw new Error('not a file');
    return { file, st };
  } catch {
    throw new ClipNotFound(`no clip "${name}" in ${dir}`);
  }
}

/** A JPEG of the clip (a representative frame, 160 px wide), made by ffmpeg the first time and cached. */
export async function clipThumbnail(dir: string, name: string): Promise<Buffer> {
  const { file, st } = thumbnailSource(dir, name);
  name = name.endsWith('/') ? `${name.slice(0, -1)}.slideshow` : name;
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
