import type { ActionSpace } from '../../params/actions.js';
import { compileSchema, formatErrors } from '../../core/validation.js';
import { Action, ClockSample } from '../protocol.js';
import type { LiveClient, Refuse } from './client.js';

const validAction = compileSchema(Action);
const validClock = compileSchema(ClockSample);
const CLOCK_JUMP_MS = 2000;

/**
 * Actions from a surface, at the time the performer acted: a tap stamped with the client's clock is
 * mapped onto the host's (the smallest offset seen: the least transit), so network jitter does not
 * bend the tempo.
 */
export class TimedActions {
  /** Host time minus client time, the smallest seen, per client. */
  private readonly offsets = new Map<LiveClient, number>();

  constructor(
    private readonly actions: ActionSpace,
    private readonly refuse: Refuse,
  ) {}

  join(client: LiveClient): void {
    client.socket.on('action', (action: unknown) => this.run(client, action));
    // Clock samples only teach the offset (the least transit); one that is not a time is ignored.
    client.socket.on('clock', (at: unknown) => {
      if (validClock(at)) this.hostTime(client, at as number, performance.now());
    });
  }

  leave(client: LiveClient): void {
    this.offsets.delete(client);
  }

  private run(client: LiveClient, action: unknown): void {
    if (!validAction(action)) return this.refuse(client, 'action', formatErrors(validAction.errors ?? [], 'action'));
    const { path, args = [], at } = action as Action;
    if (!this.actions.has(path)) return this.refuse(client, 'action', [`path: no action "${path}"`]);
    const arrived = performance.now();
    const queued = this.actions.request(path, args, at === undefined ? arrived : this.hostTime(client, at, arrived));
    if (!queued.ok) this.refuse(client, 'action', [queued.problem]);
  }

  private hostTime(client: LiveClient, at: number, arrived: number): number {
    const sample = arrived - at;
    let offset = Math.min(this.offsets.get(client) ?? Infinity, sample);
    let mapped = at + offset;
    // A client clock that jumped (a reloaded page, or a lie) would put every later tap far in the past:
    // start the mapping over from this sample, which lands at its arrival.
    if (!(mapped > arrived - CLOCK_JUMP_MS)) {
      offset = sample;
      mapped = arrived;
    }
    this.offsets.set(client, offset);
    return Math.min(arrived, mapped);
  }
}
