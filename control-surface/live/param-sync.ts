import type { ControlDeps } from '../deps.js';
import { applyChanges, paramViews } from '../api/params.js';
import { HttpError } from '../errors.js';
import { compileSchema, formatErrors } from '../../core/validation.js';
import { describeError } from '../../core/errors.js';
import type { FeedbackHandle } from '../../params/feedback-coalescer.js';
import { ParamChanges, type ParamUpdate } from '../protocol.js';
import type { RateLimiter } from '../rate-limit.js';
import type { LiveClient, Refuse } from './client.js';

const validChanges = compileSchema(ParamChanges);

interface Synced {
  feedback: FeedbackHandle;
  /** Live values of modulated parameters last sent, to send only movement. */
  sentModulated: Map<string, unknown>;
}

/**
 * Parameters both ways: a client's changes checked, rate-limited and applied; everyone else's reach it
 * through the host's feedback coalescer (never echoed to the client that made them); the parameter
 * list again when the address space or the routes change; modulated values on their own event.
 */
export class ParamSync {
  private readonly clients = new Map<LiveClient, Synced>();
  private readonly unsubscribe: (() => void)[];
  changesReceived = 0;

  constructor(
    private readonly deps: ControlDeps,
    private readonly limiter: RateLimiter,
    private readonly changesPerSecond: number,
    private readonly refuse: Refuse,
  ) {
    const { engine } = deps;
    this.unsubscribe = [
      engine.params.onNamespaceChange(() => this.resendList()),
      engine.modulation.matrix.onChange(() => setImmediate(() => this.resendList())),
    ];
  }

  join(client: LiveClient): void {
    const feedback = this.deps.engine.feedback.add({
      wants: (_entry, origin) => origin !== client.origin,
      deliver: (changes) => {
        const updates: Record<string, ParamUpdate> = {};
        for (const { entry } of changes) updates[entry.path] = { base: entry.base, value: entry.target[entry.key] };
        client.socket.emit('params:changed', updates);
      },
    });
    this.clients.set(client, { feedback, sentModulated: new Map() });
    client.socket.emit('params:list', paramViews(this.deps));
    client.socket.on('params:set', (changes: unknown) => this.set(client, changes));
  }

  leave(client: LiveClient): void {
    this.clients.get(client)?.feedback.remove();
    this.clients.delete(client);
    this.limiter.forget(client.origin);
  }

  /** Sends each client the modulated values that moved since it last got them. */
  sendModulated(): void {
    if (this.clients.size === 0) return;
    const modulated = this.deps.engine.params.list().filter((e) => e.modulated);
    if (modulated.length === 0) return;
    for (const [client, synced] of this.clients) {
      let moved: Record<string, unknown> | null = null;
      for (const e of modulated) {
        const value = e.target[e.key];
        if (synced.sentModulated.get(e.path) === value) continue;
        synced.sentModulated.set(e.path, value);
        (moved ??= {})[e.path] = value;
      }
      if (moved) client.socket.volatile.emit('params:live', moved);
    }
  }

  close(): void {
    for (const off of this.unsubscribe) off();
    for (const client of [...this.clients.keys()]) this.leave(client);
  }

  private set(client: LiveClient, changes: unknown): void {
    if (!validChanges(changes)) return this.refuse(client, 'params:set', formatErrors(validChanges.errors ?? [], 'changes'));
    const count = Object.keys(changes as object).length;
    this.changesReceived += count;
    if (!this.limiter.take(client.origin, count)) return this.refuse(client, 'params:set', [`more than ${this.changesPerSecond} changes a second: dropped`]);
    try {
      applyChanges(this.deps, changes as ParamChanges, client.origin);
    } catch (error) {
      this.refuse(client, 'params:set', error instanceof HttpError ? error.problems : [describeError(error)]);
    }
  }

  // New decks' parameters, or routes that start or stop modulating one: every client gets the list again.
  private resendList(): void {
    if (this.clients.size === 0) return;
    const list = paramViews(this.deps);
    for (const client of this.clients.keys()) client.socket.emit('params:list', list);
  }
}
