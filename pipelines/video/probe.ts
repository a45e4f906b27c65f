import { execFile } from 'node:child_process';

export interface ClipInfo {
  /** Frames per second the clip was made at. */
  fps: number;
  /** Seconds, where the container says. */
  duration: number | null;
}

/** The clip's frame rate and length, from ffprobe; null when it cannot tell (the caller assumes the show's rate). */
export function probeClip(file: string, timeoutMs = 10_000): Promise<ClipInfo | null> {
  const ffprobe = process.env.VJ_HOST_FFPROBE ?? 'ffprobe';
  const args = ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=avg_frame_rate,r_frame_rate:format=duration', '-of', 'json', file];
  return new Promise((resolve) => {
    execFile(ffprobe, args, { timeout: timeoutMs, maxBuffer: 1 << 20 }, (error, stdout) => {
      if (error) return resolve(null);
      try {
        const json = JSON.parse(stdout) as { streams?: { avg_frame_rate?: string; r_frame_rate?: string }[]; format?: { duration?: string } };
        const stream = json.streams?.[0];
        const fps = rate(stream?.avg_frame_rate) ?? rate(stream?.r_frame_rate);
        if (!fps) return resolve(null);
        const duration = Number(json.format?.duration);
        resolve({ fps, duration: Number.isFinite(duration) ? duration : null });
      } catch {
        resolve(null);
      }
    });
  });
}

function rate(text: string | undefined): number | null {
  const m = /^(\d+)\/(\d+)$/.exec(text ?? '');
  if (!m || Number(m[2]) === 0) return null;
  const value = Number(m[1]) / Number(m[2]);
  return value > 0 && value < 1000 ? value : null;
}
