import type { Frame } from '../../core/frame.js';
import type { Output, OutputStats } from '../../outputs/contract.js';

/** An in-process output that records what the frame loop hands it (copies, as the contract asks). */
export class CollectingOutput implements Output {
  readonly type = 'collect';
  readonly frames: { index: number; pixel0: number[]; data: Uint8Array }[] = [];
  constructor(
    readonly id = 'collect',
    private readonly keepPixels = false,
  ) {}
  start(): Promise<void> {
    return Promise.resolve();
  }
  submit(frame: Frame): void {
    this.frames.push({
      index: frame.index,
      pixel0: [...frame.data.subarray(0, 4)],
      data: this.keepPixels ? frame.data.slice() : new Uint8Array(0),
    });
  }
  stats(): OutputStats {
    return { id: this.id, type: this.type, state: 'running', sent: this.frames.length, dropped: 0, lastError: null, detail: {} };
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
}
