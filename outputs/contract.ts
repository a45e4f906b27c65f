import { describeError } from '../core/errors.js';
import type { Frame } from '../core/frame.js';

export { OutputStates, type OutputState, type OutputStats } from './output-stats.js';
import type { OutputStats } from './output-stats.js';

/**
 * A frame target. `submit` is called on the frame loop and must never block or throw: an output keeps
 * at most one pending frame, drops (and counts) the rest, and deals with its own failures.
 * The submitted frame is only valid during the call; an output that keeps it copies it.
 */
export interface Output {
  readonly id: string;
  readonly type: string;
  /**
   * True for outputs that send after `submit` returns (a native thread, a pipe): the engine then hands
   * them a shared frame they can hold instead of copying. Outputs that write during `submit` leave it out.
   */
  readonly holdsFrames?: boolean;
  start(): Promise<void>;
  submit(frame: Frame): void;
  stats(): OutputStats;
  stop(): Promise<void>;
}

/** How long an output may take to start before the show goes on without it. */
export const OUTPUT_START_MS = 5000;

/** Starts an output; null once it has, else why not (its error, or that it took too long). */
export async function startWithin(output: Output, ms: number): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`did not start within ${ms / 1000} s`), ms);
  });
  try {
    return await Promise.race([output.start().then(() => null, (error: unknown) => describeError(error)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
