import { spawn } from 'node:child_process';
import { drawFrameCode } from '../../core/frame-code.js';

/**
 * Makes a clip with real ffmpeg whose every frame carries its number as blocks (as the test pattern
 * does), on a grey ramp so the picture is not blank: decoded frames tell which clip frame they are.
 */
export async function makeCodedClip(file: string, o: { frames: number; width: number; height: number; fps: number; codec?: string[] }): Promise<void> {
  const codec = o.codec ?? ['-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0', '-pix_fmt', 'yuv444p'];
  const ffmpeg = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-s', `${o.width}x${o.height}`, '-r', String(o.fps), '-i', 'pipe:0', ...codec, '-fps_mode', 'passthrough', '-y', file], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  ffmpeg.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  for (let i = 0; i < o.frames; i++) {
    // A buffer per frame: a stream write keeps the bytes it is given until they are out, not a copy.
    const frame = new Uint8Array(o.width * o.height * 4);
    for (let p = 0; p < o.width * o.height; p++) {
      const v = (p % o.width) * 200 / o.width;
      frame[p * 4] = v;
      frame[p * 4 + 1] = v;
      frame[p * 4 + 2] = v;
      frame[p * 4 + 3] = 255;
    }
    drawFrameCode(frame, o.width, o.height, i);
    if (!ffmpeg.stdin.write(frame)) await new Promise((r) => ffmpeg.stdin.once('drain', r));
  }
  ffmpeg.stdin.end();
  const code = await new Promise<number | null>((resolve) => ffmpeg.once('exit', resolve));
  if (code !== 0) throw new Error(`ffmpeg could not make ${file}: ${stderr}`);
}
