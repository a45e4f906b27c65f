/**
 * Turns PCM arriving in chunks of any size (device callbacks, pipes) into mono float blocks of a fixed
 * size, each stamped with the time of its first sample — counted in samples from the stream's start,
 * so timing stays sample-accurate however late the chunks are delivered.
 */
export type SampleFormat = 's16le' | 'f32le';

export class BlockAssembler {
  private readonly block: Float32Array;
  private fill = 0;
  private samples = 0;
  private carry: Buffer | null = null;

  constructor(
    private readonly blockSize: number,
    private readonly sampleRate: number,
    private readonly channels: number,
    private readonly format: SampleFormat,
    private readonly startMs: number,
    private readonly onBlock: (block: Float32Array, timeMs: number) => void,
  ) {
    this.block = new Float32Array(blockSize);
  }

  /** Bytes of interleaved PCM; a partial frame at the end is kept for the next chunk. */
  push(chunk: Buffer): void {
    const bytesPerSample = this.format === 's16le' ? 2 : 4;
    const frameBytes = bytesPerSample * this.channels;
    let data = chunk;
    if (this.carry) {
      data = Buffer.concat([this.carry, chunk]);
      this.carry = null;
    }
    const frames = Math.floor(data.length / frameBytes);
    for (let f = 0; f < frames; f++) {
      let sum = 0;
      for (let c = 0; c < this.channels; c++) {
        const o = f * frameBytes + c * bytesPerSample;
        sum += this.format === 's16le' ? data.readInt16LE(o) / 32768 : data.readFloatLE(o);
      }
      this.block[this.fill++] = sum / this.channels;
      if (this.fill === this.blockSize) {
        this.onBlock(this.block, this.startMs + ((this.samples - this.blockSize + 1) / this.sampleRate) * 1000);
        this.fill = 0;
      }
      this.samples++;
    }
    const rest = data.length - frames * frameBytes;
    if (rest) this.carry = Buffer.from(data.subarray(data.length - rest));
  }
}
