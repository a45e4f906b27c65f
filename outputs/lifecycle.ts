import { Backoff } from '../core/backoff.js';
import { silentLog, type Log } from '../core/log.js';
import type { OutputState, OutputStats } from './contract.js';

export interface LifecycleOptions {
  id: string;
  log?: Log;
  /** Fields every state line carries (where the output sends to, never a secret). */
  fields?: () => Record<string, unknown>;
  retryMinMs: number;
  retryMaxMs: number;
  now?: () => number;
}

/**
 * What every output keeps about itself: its state, its last error, its retries with backoff, and the
 * frames it dropped while it was not running. Each state change is logged once, with its reason.
 */
export class OutputLifecycle {
  private current: OutputState = 'stopped';
  private error: string | null = null;
  private readonly backoff: Backoff;
  private retryTimer: NodeJS.Timeout | null = null;
  /** A failed output retried from submit: when the next try is due (0: none). */
  private retryAt = 0;
  private readonly now: () => number;
  /** Frames not sent because the output was not running. */
  droppedWhileDown = 0;
  /** Times it went to reconnecting. */
  restarts = 0;

  constructor(private readonly options: LifecycleOptions) {
    this.backoff = new Backoff(options.retryMinMs, options.retryMaxMs);
    this.now = options.now ?? (() => Date.now());
  }

  get state(): OutputState {
    return this.current;
  }

  get lastError(): string | null {
    return this.error;
  }

  get running(): boolean {
    return this.current === 'running';
  }

  starting(): void {
    this.cancelRetry();
    this.move(this.restarts > 0 ? 'reconnecting' : 'starting');
  }

  /** Up and sending: errors and backoff start over. */
  up(): void {
    this.cancelRetry();
    this.backoff.reset();
    this.error = null;
    this.retryAt = 0;
    this.move('running');
  }

  /** Down for good until it is started again (nothing will change by retrying: a missing runtime). */
  failed(message: string): void {
    this.cancelRetry();
    this.error = message;
    this.move('failed', message);
  }

  /** Down, tried again from the owner's submit once `retryDue()` says so (an output that writes in submit). */
  failedRetrying(message: string): void {
    this.error = message;
    this.retryAt = this.now() + this.backoff.next();
    this.move('failed', message);
  }

  retryDue(): boolean {
    return this.current === 'failed' && this.retryAt > 0 && this.now() >= this.retryAt;
  }

  /** Lost its target: `attempt` runs again after a backoff wait. */
  reconnect(reason: string, attempt: () => void): void {
    this.cancelRetry();
    this.error = reason;
    this.restarts++;
    const wait = this.backoff.next();
    this.move('reconnecting', `${reason}; retrying in ${wait} ms`);
    this.retryTimer = setTimeout(attempt, wait);
    this.retryTimer.unref();
  }

  /** An error that does not change the state (one failed send). */
  noteError(message: string): void {
    this.error = message;
  }

  stopped(): void {
    this.cancelRetry();
    this.retryAt = 0;
    this.move('stopped');
  }

  /** A frame offered while not running. */
  dropWhileDown(): void {
    this.droppedWhileDown++;
  }

  /** The stats every output shares; `sent` and `dropped` are the sender's own counts. */
  stats(type: string, sent: number, dropped: number, detail: Record<string, unknown>): OutputStats {
    return { id: this.options.id, type, state: this.current, sent, dropped: dropped + this.droppedWhileDown, lastError: this.error, detail };
  }

  private move(state: OutputState, note?: string): void {
    if (state === this.current && !note) return;
    this.current = state;
    const message = `${this.options.id}: ${state}${note ? `: ${note}` : ''}`;
    const log = this.options.log ?? silentLog;
    const fields = { state, ...this.options.fields?.() };
    if (state === 'failed') log.error(fields, message);
    else if (state === 'reconnecting') log.warn(fields, message);
    else log.info(fields, message);
  }

  private cancelRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}
