import { execFile, spawn } from 'node:child_process';
import { readFrameCode } from '../../core/frame-code.js';

export interface StreamInfo {
  codec_name?: string;
  profile?: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  r_frame_rate?: string;
  codec_type?: string;
  duration?: string;
}

/**
 * ffprobe's view of a stream URL or a file: one entry per stream. Asynchronous on purpose: tests run the
 * host in the same process, and a blocking call would stop the very frames being probed.
 */
export function probeStreams(input: string, timeoutMs = 15_000): Promise<{ streams: StreamInfo[]; duration: number | null; error: string }> {
  const args = ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,profile,width,height,pix_fmt,r_frame_rate:format=duration', '-of', 'json'];
  if (input.includes('://')) args.push('-rw_timeout', '10000000');
  return new Promise((resolve) => {
    execFile('ffprobe', [...args, input], { encoding: 'utf8', timeout: timeoutMs }, (error, stdout, stderr) => {
      try {
        const json = JSON.parse(stdout) as { streams?: StreamInfo[]; format?: { duration?: string } };
        const duration = Number(json.format?.duration);
        resolve({ streams: json.streams ?? [], duration: Number.isFinite(duration) ? duration : null, error: stderr });
      } catch {
        resolve({ streams: [], duration: null, error: stderr || (error?.message ?? 'ffprobe printed nothing') });
      }
    });
  });
}

/** Decodes `count` video frames from a stream or file (real ffmpeg) and reads the frame code of each. */
export function pullFrameCodes(input: string, size: { width: number; height: number }, count: number, timeoutMs = 20_000): Promise<(number | null)[]> {
  return new Promise((resolve, reject) => {
    const network = input.includes('://') ? ['-rw_timeout', '10000000'] : [];
    const child = spawn('ffmpeg', ['-v', 'error', ...network, '-i', input, '-map', '0:v', '-fps_mode', 'passthrough', '-frames:v', String(count), '-f', 'rawvideo', '-pix_fmt', 'rgba', 'pipe:1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const frameBytes = size.width * size.height * 4;
    const chunks: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const all = Buffer.concat(chunks);
      const frames = Math.floor(all.length / frameBytes);
      if (frames === 0) {
        reject(new Error(`no frames pulled from ${input} (ffmpeg exit ${code}): ${err}`));
        return;
      }
      const codes: (number | null)[] = [];
      for (let i = 0; i < frames; i++) codes.push(readFrameCode(all.subarray(i * frameBytes, (i + 1) * frameBytes), size.width, size.height));
      resolve(codes);
    });
  });
}
