import type { SignalBus } from '../../modulators/signal-bus.js';
import type { HostStats, Subscription } from '../protocol.js';
import type { LiveClient } from './client.js';

interface Metered {
  stats: boolean;
  signals: { names: string[]; everyMs: number; lastAt: number } | null;
}

/** Signal meters and host stats, each only to the clients that asked, on volatile events (a slow client skips some). */
export class Meters {
  private readonly clients = new Map<LiveClient, Metered>();

  constructor(
    private readonly bus: SignalBus,
    private readonly readStats: () => HostStats,
  ) {}

  subscribe(client: LiveClient, s: Pick<Subscription, 'stats' | 'signals'>): void {
    const m = this.clients.get(client) ?? { stats: false, signals: null };
    if (s.stats !== undefined) m.stats = s.stats;
    if (s.signals !== undefined) m.signals = s.signals ? { names: s.signals.names, everyMs: 1000 / s.signals.rate, lastAt: 0 } : null;
    this.clients.set(client, m);
  }

  leave(client: LiveClient): void {
    this.clients.delete(client);
  }

  /** Each subscribed client's signal values, at the rate it asked for. */
  sendSignals(now: number): void {
    for (const [client, m] of this.clients) {
      if (!m.signals || now - m.signals.lastAt < m.signals.everyMs) continue;
      m.signals.lastAt = now;
      const values: Record<string, number> = {};
      for (const name of m.signals.names) values[name] = this.bus.valueOf(name) ?? 0;
      client.socket.volatile.emit('signals', values);
    }
  }

  /** The host's stats, read once, to every client that wants them. */
  sendStats(): void {
    let stats: HostStats | null = null;
    for (const [client, m] of this.clients) {
      if (!m.stats) continue;
      stats ??= this.readStats();
      client.socket.volatile.emit('stats', stats);
    }
  }
}
