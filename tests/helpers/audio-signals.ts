/** Test signals, generated (no recordings): tones, kick drums, silence. Mono float32 at `rate`. */
export function tone(hz: number, seconds: number, rate = 48000, level = 0.5): Float32Array {
  const out = new Float32Array(Math.round(seconds * rate));
  for (let i = 0; i < out.length; i++) out[i] = level * Math.sin((2 * Math.PI * hz * i) / rate);
  return out;
}

/** A kick every `periodMs`: a 55 Hz thump with a fast pitch drop and decay, starting at `offsetMs`. */
export function kicks(periodMs: number, seconds: number, rate = 48000, offsetMs = 0): Float32Array {
  const out = new Float32Array(Math.round(seconds * rate));
  const period = Math.round((periodMs / 1000) * rate);
  const offset = Math.round((offsetMs / 1000) * rate);
  const length = Math.round(0.15 * rate);
  for (let start = offset; start < out.length; start += period) {
    let phase = 0;
    for (let i = 0; i < length && start + i < out.length; i++) {
      const t = i / rate;
      const hz = 55 + 110 * Math.exp(-t * 40);
      phase += (2 * Math.PI * hz) / rate;
      out[start + i] = 0.9 * Math.sin(phase) * Math.exp(-t * 25);
    }
  }
  return out;
}

/** s16le interleaved stereo, as the ALSA file plugin and ffmpeg read raw PCM. */
export function toS16Stereo(mono: Float32Array): Buffer {
  const buf = Buffer.alloc(mono.length * 4);
  for (let i = 0; i < mono.length; i++) {
    const v = Math.max(-32768, Math.min(32767, Math.round(mono[i]! * 32767)));
    buf.writeInt16LE(v, i * 4);
    buf.writeInt16LE(v, i * 4 + 2);
  }
  return buf;
}

/** A 16-bit stereo WAV file's bytes. */
export function toWav(mono: Float32Array, rate = 48000): Buffer {
  const data = toS16Stereo(mono);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(2, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 4, 28);
  header.writeUInt16LE(4, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}
