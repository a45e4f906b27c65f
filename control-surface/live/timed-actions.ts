import type { ActionSpace } from '../../params/actions.js';
import { compileSchema, formatErrors } from '../../core/validation.js';
import { Action, ClockSample } from '../protocol.js';
import type { LiveClient, Refuse } from './client.js';

const validAction = compileSchema(Action);
const validClock = compileSchema(ClockSample);
const CLOCK_JUMP_MS = 2000;
/** Actions closer together than this (by the client's clock) are one burst: taps of one tempo. */
const BURST_MS = 2000;

/**
 * Actions from a surface, at the time the performer acted: a tap stamped with the client's clock is
 * mapped onto the host's (the smallest offset seen: the least transit), so network jitter does not
 * bend the tempo. Within a burst of actions the offset stays as it was at the burst's first, so the
 * taps keep the intervals the client measured exactly, even when a quicker message meanwhile lowers the
 * offset learnt (messages held up and then let through together).
 */
export class TimedActions {
  /** Host time minus client time, the smallest seen, per client. */
  private readonly offsets = new Map<LiveClient, number>();
  /** The offset a client's current burst of actions is mapped with, and its last action's client time. */
  private readonly bursts = new Map<LiveClient, { offset: number; lastAt: number }>();

  constructor(
    private readonly actions: ActionSpace,
    private readonly refuse: Refuse,
  ) {}

  join(client: LiveClient): void {
    client.socket.on('action', (action: unknown) => this.run(client, action));
    // Clock samples only teach the offset (the least transit); one that is not a time is ignored.
    client.socket.on('clock', (at: unknown) => {
      if (validClock(at)) this.learn(client, at as number, performance.now());
    });
  }

  leave(client: LiveClient): void {
    this.offsets.delete(client);
    this.bursts.delete(client);
  }

  private run(client: LiveClient, action: unknown): void {
    if (!validAction(action)) return this.refuse(client, 'action', formatErrors(validAction.errors ?? [], 'action'));
    const { path, args = [], at } = action as Action;
    if (!this.actions.has(path)) return this.refuse(client, 'action', [`path: no action "${path}"`]);
    const arrived = performance.now();
    const queued = this.actions.request(path, args, at === undefined ? arrived : this.actionTime(client, at, arrived));
    if (!queued.ok) this.refuse(client, 'action', [queued.problem]);
  }

  private actionTime(client: LiveClient, at: number, arrived: number): number {
    const offset = this.learn(client, at, arrived);
    const burst = this.bursts.get(client);
    const since = burst ? at - burst.lastAt : Infinity;
    if (!burst || since < 0 || since >= BURST_MS) {
      this.bursts.set(client, { offset, lastAt: at });
      return at + offset;
    }
    // The burst's first offset holds, even where it puts an action after its arrival: the time says
    // when, from the burst's first action, the performer acted (the tap tempo's intervals).
    burst.lastAt = at;
    return at + burst.offset;
  }

  /** Learns from one sample; answers the client's offset now. */
  private learn(client: LiveClient, at: number, arrived: number): number {
    const sample = arrived - at;
    let offset = Math.min(this.offsets.get(client) ?? Infinity, sample);
    // A client clock that jumped (a reloaded page, or a lie) would put every later tap far in the past:
    // start the mapping over from this sample, which lands at its arrival.
    if (!(at + offset > arrived - CLOCK_JUMP_MS)) offset = sample;
    this.offsets.set(client, offset);
    return offset;
  }
}
