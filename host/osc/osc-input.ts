import dgram from 'node:dgram';
import { decode } from 'node-osc';
import { describeError } from '../../core/errors.js';
import type { Log } from '../../core/log.js';
import { OncePerKind } from '../../core/once-per-kind.js';
import { compilePattern, isPattern } from '../../modulators/osc/address-pattern.js';
import { OscSignals } from '../../modulators/osc/osc-signals.js';
import type { Engine } from '../engine.js';
import type { OscConfig } from '../show.js';
import { OscFeedback } from './osc-feedback.js';

/** Kinds of bad input, each counted and logged at most once a second. */
export type OscProblem =
  | 'malformed' | 'too-deep' | 'bad-address' | 'not-allowed' | 'missing-argument' | 'wrong-type'
  | 'not-finite' | 'no-match' | 'too-many-signals' | 'action-queue-full';

export interface OscStats {
  state: 'stopped' | 'listening' | 'failed';
  port: number | null;
  bind: string;
  packets: number;
  messages: number;
  applied: number;
  signals: number;
  bad: Partial<Record<OscProblem, number>>;
  feedback: { destinations: number; sent: number };
  lastError: string | null;
}

interface DecodedMessage {
  oscType: 'message';
  address: string;
  args: { value: unknown }[];
}
interface DecodedBundle {
  oscType: 'bundle';
  elements: (DecodedMessage | DecodedBundle)[];
}

const MAX_BUNDLE_DEPTH = 32;

/**
 * OSC over UDP: every parameter path is an address (in the parameter's own units), actions such as
 * /clock/tap are addresses, address patterns fan out, and any other address becomes a signal source.
 * Everything arriving is validated here; bad input is counted by kind and the show goes on.
 */
export class OscInput {
  private socket: dgram.Socket | null = null;
  private readonly signals: OscSignals;
  readonly feedback: OscFeedback;
  private readonly problems: OncePerKind;
  private stats_: OscStats;

  constructor(
    private readonly engine: Engine,
    private readonly config: OscConfig,
    private readonly log: Log,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.signals = new OscSignals(engine.modulation.bus, config.signals);
    this.feedback = new OscFeedback(engine.params, (packet, port, host) => this.socket?.send(packet, port, host));
    this.problems = new OncePerKind((kind, message, { total, suppressed }) =>
      log.warn({ kind, total, suppressed }, `OSC ${kind}: ${message}${suppressed ? ` (+${suppressed} more in the last second)` : ''}`),
    );
    this.stats_ = {
      state: 'stopped', port: null, bind: config.bind, packets: 0, messages: 0, applied: 0, signals: 0, bad: {},
      feedback: { destinations: 0, sent: 0 }, lastError: null,
    };
  }

  /** Binds the port; resolves with the port (useful with port 0). A port in use is reported, not thrown. */
  async start(): Promise<number | null> {
    const socket = dgram.createSocket({ type: this.config.bind.includes(':') ? 'udp6' : 'udp4' });
    socket.on('message', (packet, rinfo) => this.onPacket(packet, rinfo));
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(this.config.port, this.config.bind, () => {
          socket.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      this.stats_.state = 'failed';
      this.stats_.lastError = describeError(error);
      this.log.error(`OSC input unavailable on ${this.config.bind}:${this.config.port}: ${this.stats_.lastError}; the show goes on without it`);
      socket.close();
      return null;
    }
    socket.on('error', (error) => {
      this.stats_.lastError = describeError(error);
      this.log.warn(`OSC socket error: ${this.stats_.lastError}`);
    });
    this.socket = socket;
    this.stats_.state = 'listening';
    this.stats_.port = socket.address().port;
    for (const d of this.config.feedback) this.feedback.add({ host: d.host, port: d.port, originKey: `osc:${d.host}:${d.port}`, fromShow: true });
    this.feedback.start();
    return this.stats_.port;
  }

  stop(): void {
    this.feedback.stop();
    this.socket?.close();
    this.socket = null;
    this.stats_.state = 'stopped';
  }

  stats(): OscStats {
    return {
      ...this.stats_,
      bad: { ...this.stats_.bad },
      signals: this.signals.count,
      feedback: { destinations: this.feedback.list().length, sent: this.feedback.sent },
    };
  }

  private bad(kind: OscProblem, message: string): void {
    this.stats_.bad[kind] = (this.stats_.bad[kind] ?? 0) + 1;
    this.problems.note(kind, message);
  }

  private onPacket(packet: Buffer, rinfo: dgram.RemoteInfo): void {
    this.stats_.packets++;
    const time = this.now();
    if (this.config.allow.length && !this.config.allow.includes(rinfo.address)) {
      this.bad('not-allowed', `packet from ${rinfo.address}, which is not in osc.allow`);
      return;
    }
    let decoded: DecodedMessage | DecodedBundle;
    try {
      decoded = decode(packet) as DecodedMessage | DecodedBundle;
    } catch (error) {
      this.bad('malformed', `undecodable packet of ${packet.length} bytes from ${rinfo.address}:${rinfo.port} (${describeError(error)})`);
      return;
    }
    this.dispatch(decoded, rinfo, time, 0);
  }

  private dispatch(item: DecodedMessage | DecodedBundle, rinfo: dgram.RemoteInfo, time: number, depth: number): void {
    if (item.oscType === 'bundle') {
      if (depth >= MAX_BUNDLE_DEPTH) {
        this.bad('too-deep', `bundle nested deeper than ${MAX_BUNDLE_DEPTH} levels from ${rinfo.address}`);
        return;
      }
      for (const element of item.elements) this.dispatch(element, rinfo, time, depth + 1);
      return;
    }
    this.stats_.messages++;
    this.handleMessage(item.address, item.args.map((a) => a.value), rinfo, time);
  }

  private handleMessage(address: string, args: unknown[], rinfo: dgram.RemoteInfo, time: number): void {
    if (typeof address !== 'string' || !address.startsWith('/') || address.length > 512) {
      this.bad('bad-address', `address ${JSON.stringify(String(address).slice(0, 60))} does not start with "/"`);
      return;
    }
    const origin = `osc:${rinfo.address}:${rinfo.port}`;
    if (address === '/vjhost/subscribe' || address === '/vjhost/unsubscribe') {
      this.subscription(address, args, rinfo, origin);
      return;
    }
    if (isPattern(address)) {
      this.handlePattern(address, args, rinfo, origin, time);
      return;
    }
    const { params, actions } = this.engine;
    if (actions.has(address)) {
      if (actions.invoke(address, args, time)) this.stats_.applied++;
      else this.bad('action-queue-full', `too many actions queued before the next frame; ${address} dropped`);
      return;
    }
    if (params.has(address)) {
      this.setParam(address, args, origin);
      return;
    }
    this.feedSignal(address, args, time);
  }

  private setParam(address: string, args: unknown[], origin: string): void {
    if (args.length === 0) {
      this.bad('missing-argument', `${address} needs a value`);
      return;
    }
    const value = args[0];
    if (typeof value === 'number' && !Number.isFinite(value)) {
      this.bad('not-finite', `${address} got ${String(value)}`);
      return;
    }
    const result = this.engine.params.set(address, value, origin);
    if (result.ok) this.stats_.applied++;
    else this.bad('wrong-type', result.message);
  }

  private handlePattern(address: string, args: unknown[], rinfo: dgram.RemoteInfo, origin: string, time: number): void {
    const regex = compilePattern(address);
    if (!regex) {
      this.bad('bad-address', `malformed address pattern ${JSON.stringify(address.slice(0, 60))}`);
      return;
    }
    let matched = 0;
    for (const entry of this.engine.params.list()) {
      if (regex.test(entry.path)) {
        matched++;
        this.setParam(entry.path, args, origin);
      }
    }
    for (const action of this.engine.actions.list()) {
      if (regex.test(action.path)) {
        matched++;
        this.engine.actions.invoke(action.path, args, time);
      }
    }
    if (!matched) this.bad('no-match', `pattern ${address} from ${rinfo.address} matches no parameter`);
  }

  private feedSignal(address: string, args: unknown[], time: number): void {
    const value = args[0];
    const numeric = typeof value === 'boolean' ? (value ? 1 : 0) : value;
    if (typeof numeric !== 'number') {
      this.bad('wrong-type', `${address} as a signal needs a number or T/F, got ${args.length ? typeof value : 'nothing'}`);
      return;
    }
    if (!Number.isFinite(numeric)) {
      this.bad('not-finite', `${address} got ${String(numeric)}`);
      return;
    }
    if (this.signals.feed(address, numeric, time)) this.stats_.applied++;
    else this.bad('too-many-signals', `more than the allowed number of distinct OSC signal addresses; ${address} ignored`);
  }

  private subscription(address: string, args: unknown[], rinfo: dgram.RemoteInfo, origin: string): void {
    const port = typeof args[0] === 'number' && Number.isInteger(args[0]) && args[0] > 0 && args[0] < 65536 ? args[0] : rinfo.port;
    if (address === '/vjhost/unsubscribe') {
      this.feedback.remove(rinfo.address, port);
      return;
    }
    if (this.feedback.add({ host: rinfo.address, port, originKey: origin, fromShow: false })) {
      this.log.info(`OSC feedback: ${rinfo.address}:${port} subscribed`);
    }
  }
}
