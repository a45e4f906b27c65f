export interface EncoderProgress {
  frame: number;
  fps: number;
  speed: number;
}

/** Reads ffmpeg's `-progress` key=value blocks; each block ends with a `progress=` line. */
export class ProgressReader {
  latest: EncoderProgress = { frame: 0, fps: 0, speed: 0 };
  private partial = '';
  private block: Partial<EncoderProgress> = {};

  reset(): void {
    this.latest = { frame: 0, fps: 0, speed: 0 };
    this.partial = '';
    this.block = {};
  }

  /** Returns true when at least one whole block was read. */
  feed(text: string): boolean {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    let completed = false;
    for (const line of lines) {
      const eq = line.indexOf('=');
      if (eq < 0) continue;
      const key = line.slice(0, eq).trim();
      const value = line.slice(eq + 1).trim();
      if (key === 'frame') this.block.frame = Number(value) || 0;
      else if (key === 'fps') this.block.fps = Number(value) || 0;
      else if (key === 'speed') this.block.speed = Number.parseFloat(value) || 0;
      else if (key === 'progress') {
        this.latest = { frame: this.block.frame ?? this.latest.frame, fps: this.block.fps ?? 0, speed: this.block.speed ?? 0 };
        this.block = {};
        completed = true;
      }
    }
    return completed;
  }
}
