import { describeError } from '../core/errors.js';
import type { Frame, Size } from '../core/frame.js';
import { FrameShelf } from '../core/frame-shelf.js';
import type { Log } from '../core/log.js';
import type { Output, OutputStats } from '../outputs/contract.js';
import { MIXED_DECKS } from './deck-rack.js';

/**
 * The outputs the frame loop feeds (their owner, the output manager, adds and removes them), each with its feed (the mix or one deck's own picture). Outputs that
 * send later get one shared, held copy per feed and tick (kept without copying again); outputs that write
 * during submit get the frame itself.
 */
export class OutputFeeds {
  private outputs: Output[] = [];
  /** Per output, in the same order: the deck whose own picture it gets (-1: the mix). */
  private feeds: number[] = [];
  private readonly shelf: FrameShelf;
  /** This tick's published frames: [0] the mix, [1 + d] deck d's own picture. */
  private readonly shared: (Frame | null)[] = new Array<Frame | null>(1 + MIXED_DECKS).fill(null);
  private readonly errorsLogged = new Set<string>();

  constructor(
    size: Size,
    private readonly log: Log,
  ) {
    this.shelf = new FrameShelf(size.width, size.height);
  }

  /** Adds an output fed from the next tick on; `feed` is -1 (the mix) or a deck's place. */
  add(output: Output, feed: number): void {
    this.outputs = [...this.outputs, output];
    this.feeds = [...this.feeds, feed];
  }

  /** Whether an output takes a deck's own picture (then every deck's picture is read back). */
  feedsDecks(): boolean {
    return this.feeds.some((f) => f >= 0);
  }

  /** Stops feeding an output (it is not stopped: whoever removes it does that). */
  remove(output: Output): void {
    const i = this.outputs.indexOf(output);
    if (i < 0) return;
    this.outputs = this.outputs.filter((_, j) => j !== i);
    this.feeds = this.feeds.filter((_, j) => j !== i);
  }

  list(): readonly Output[] {
    return this.outputs;
  }

  /** Hands this tick's pictures to every output: `mix` to the main feeds, `decks[d]` to deck d's. */
  submit(mix: Frame, decks: readonly (Frame | null)[]): void {
    const outputs = this.outputs;
    const shared = this.shared;
    for (let o = 0; o < outputs.length; o++) {
      const output = outputs[o]!;
      const feed = this.feeds[o]!;
      const source = feed < 0 ? mix : decks[feed];
      if (!source) continue;
      let frame: Frame = source;
      if (output.holdsFrames) frame = shared[feed + 1] ?? (shared[feed + 1] = this.shelf.publish(source));
      this.submitOne(output, frame);
    }
    for (let i = 0; i < shared.length; i++) {
      shared[i]?.hold?.release();
      shared[i] = null;
    }
  }

  stats(): OutputStats[] {
    return this.outputs.map((o) => o.stats());
  }

  get allocated(): number {
    return this.shelf.allocated;
  }

  private submitOne(output: Output, frame: Frame): void {
    try {
      output.submit(frame);
    } catch (error) {
      // The contract says submit never throws; if one does, it must not take the others down.
      const key = `${output.id}:${describeError(error)}`;
      if (this.errorsLogged.has(key)) return;
      this.errorsLogged.add(key);
      this.log.error({ output: output.id, err: describeError(error) }, 'output threw from submit()');
    }
  }
}
