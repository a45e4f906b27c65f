import dgram from 'node:dgram';
import { Worker } from 'node:worker_threads';
import { distPath } from '../../core/dist-path.js';
import { describeError } from '../../core/errors.js';
import type { Log } from '../../core/log.js';
import type { ActionInfo } from '../../params/actions.js';
import type { InputPort } from '../port.js';
import type { OscConfig } from './osc-config.js';
import { MAX_DESTINATIONS, OscFeedback, SUBSCRIPTION_LEASE_MS } from './osc-feedback.js';
import { kernelUdpDrops } from './udp-drops.js';
import { OncePerKind } from '../../core/once-per-kind.js';
import {
  Counter, createMailbox, decodeOrigin, drain, mailboxViews, OscProblems, RecordKind, signalName,
  type MailboxViews, type OscProblem,
} from './osc-mailbox.js';
import type { OscThreadData, OscThreadMessage } from './osc-thread.js';
import { paramKinds } from '../../params/kinds.js';

export type { OscProblem };

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
  /** Datagrams the kernel dropped before the OSC thread could read them (null where the system does not say). */
  kernelDropped: number | null;
  lastError: string | null;
}

const START_TIMEOUT_MS = 5000;

/**
 * OSC input. Every parameter path is an address (in the parameter's own units), actions such as
 * /clock/tap are addresses, address patterns fan out, any other address becomes a signal source.
 * Reception and checking run on their own thread (osc-thread.ts), which queues checked changes in
 * shared memory; the frame loop takes them at the start of each tick. Bad input is counted by kind
 * and logged at most once a second per kind; the show goes on.
 */
export class OscInput {
  readonly feedback: OscFeedback;
  private worker: Worker | null = null;
  private readonly views: MailboxViews;
  private readonly buffers = createMailbox();
  private readonly paths: string[];
  private readonly kinds: OscThreadData['params'];
  private readonly actionPaths: string[];
  private readonly actionInfos: ActionInfo[];
  private readonly signalSlots: number[] = [];
  /** OSC learn: the parameter armed, and each signal's last arrival time when it was armed. */
  private learning: { path: string; times: number[] } | null = null;
  private state: OscStats['state'] = 'stopped';
  private port: number | null = null;
  private lastError: string | null = null;
  private sender: dgram.Socket | null = null;
  private readonly refusedLog = new OncePerKind((_kind, message, { suppressed }) => this.log.warn(`${message}${suppressed ? ` (+${suppressed} more)` : ''}`), 10_000);
  /** One queued record into the engine (made once: pumping allocates nothing per frame). */
  private readonly take = (kind: number, index: number, value: number, origin: number, arrivedMs: number, queuedMs: number): void => {
    if (kind === RecordKind.param) {
      const path = this.paths[index];
      const info = this.kinds[index];
      if (!path || !info) return;
      const decoded = decodeValue(info, value);
      this.engine.params.set(path, decoded, decodeOrigin(origin));
      this.onTaken?.(path, decoded, arrivedMs, queuedMs);
    } else if (kind === RecordKind.action) {
      const path = this.actionPaths[index];
      if (path) this.engine.actions.invoke(path, Number.isNaN(value) ? [] : [value], arrivedMs);
    }
  };
  /** Sees every change as the frame loop takes it, with its arrival and queueing times (benchmarks). */
  onTaken: ((path: string, value: unknown, arrivedMs: number, queuedMs: number) => void) | null = null;

  constructor(
    private readonly engine: InputPort,
    private readonly config: OscConfig,
    private readonly log: Log,
  ) {
    this.views = mailboxViews(this.buffers);
    this.kinds = engine.params.list().map((e) => ({ ...e.info, path: e.path }));
    this.paths = this.kinds.map((p) => p.path);
    this.actionInfos = engine.actions.list();
    this.actionPaths = this.actionInfos.map((a) => a.path);
    engine.params.onNamespaceChange(() => this.syncNamespace());
    this.feedback = new OscFeedback(engine.params, engine.feedback, (packet, port, host) => this.sender?.send(packet, port, host));
  }

  /** Binds the port; resolves with it (useful with port 0), or null when it cannot (reported, not thrown). */
  async start(): Promise<number | null> {
    const workerData: OscThreadData = {
      port: this.config.port, bind: this.config.bind, allow: this.config.allow,
      declaredSignals: this.config.signals,
      params: this.kinds, actions: this.actionInfos, mailbox: this.buffers,
    };
    const worker = new Worker(distPath(import.meta.url, 'inputs', 'osc', 'osc-thread.js'), { workerData });
    try {
      this.port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the OSC thread did not start')), START_TIMEOUT_MS);
        worker.on('message', (m: OscThreadMessage) => {
          if (m.type === 'listening') {
            clearTimeout(timer);
            resolve(m.port);
          } else if (m.type === 'failed') {
            clearTimeout(timer);
            reject(new Error(m.error));
          } else {
            this.onThreadMessage(m);
          }
        });
        worker.once('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
      });
    } catch (error) {
      this.state = 'failed';
      this.lastError = describeError(error);
      this.log.error(`OSC input unavailable on ${this.config.bind}:${this.config.port}: ${this.lastError}; the show goes on without it`);
      void worker.terminate();
      return null;
    }
    worker.on('error', (error) => {
      this.state = 'failed';
      this.lastError = describeError(error);
      this.log.error(`OSC thread failed: ${this.lastError}; the show goes on without OSC input`);
    });
    worker.unref();
    this.worker = worker;
    this.state = 'listening';
    this.sender = dgram.createSocket(this.config.bind.includes(':') ? 'udp6' : 'udp4');
    this.sender.on('error', (error) => this.log.warn(`OSC feedback socket error: ${describeError(error)}`));
    this.sender.unref();
    for (const d of this.config.feedback) this.feedback.add({ host: d.host, port: d.port, originKey: `osc:${d.host}:${d.port}`, fromShow: true });
    this.engine.addFrameInput(() => this.pump());
    return this.port;
  }

  stop(): void {
    this.feedback.stop();
    this.worker?.postMessage({ type: 'stop' });
    const worker = this.worker;
    setTimeout(() => void worker?.terminate(), 200).unref();
    this.worker = null;
    this.sender?.close();
    this.sender = null;
    if (this.state !== 'failed') this.state = 'stopped';
  }

  /**
   * The address space changed (a preset rebuilt a deck): new paths are appended, never renumbered, so
   * changes already queued under the old table still name the right parameter; the thread gets the table.
   */
  private syncNamespace(): void {
    for (const entry of this.engine.params.list()) {
      const i = this.paths.indexOf(entry.path);
      if (i < 0) {
        this.paths.push(entry.path);
        this.kinds.push({ ...entry.info, path: entry.path });
      } else {
        this.kinds[i] = { ...entry.info, path: entry.path };
      }
    }
    this.worker?.postMessage({ type: 'params', params: this.kinds });
  }

  /** Moves everything the OSC thread queued into the engine; the frame loop calls it at each tick's start. */
  pump(): void {
    const { modulation } = this.engine;
    drain(this.views, this.take);
    const known = Atomics.load(this.views.counters, Counter.signals);
    while (this.signalSlots.length < known) {
      const slot = modulation.bus.register(`osc:${signalName(this.views, this.signalSlots.length)}`, 'unipolar', 'OSC input');
      this.signalSlots.push(slot ?? -1);
    }
    for (let id = 0; id < this.signalSlots.length; id++) {
      const slot = this.signalSlots[id]!;
      if (slot >= 0) modulation.bus.set(slot, this.views.signalValues[id]!, this.views.signalTimes[id]!);
    }
    if (this.learning) this.checkLearn();
  }

  /**
   * OSC learn: arm a number parameter, move a control on the tablet; its address (any that is not a
   * parameter path itself) becomes a route sweeping the parameter's whole range. Re-learning replaces it.
   */
  learn(path: string): { ok: true } | { ok: false; error: string } {
    const entry = this.engine.params.entry(path);
    if (!entry) return { ok: false, error: `no parameter ${path}` };
    if (!entry.info.modulatable) return { ok: false, error: `${path} cannot be learned (not a modulatable number)` };
    this.learning = { path, times: Array.from(this.views.signalTimes.subarray(0, this.signalSlots.length)) };
    return { ok: true };
  }

  cancelLearn(): void {
    this.learning = null;
  }

  get learningPath(): string | null {
    return this.learning?.path ?? null;
  }

  private checkLearn(): void {
    const { path, times } = this.learning!;
    for (let id = 0; id < this.signalSlots.length; id++) {
      if (id < times.length && this.views.signalTimes[id] === times[id]) continue;
      const source = this.engine.modulation.bus.info(this.signalSlots[id]!)?.name;
      if (!source) continue;
      this.learning = null;
      const matrix = this.engine.modulation.matrix;
      const routeId = `learn${path.replace(/[^A-Za-z0-9_-]/g, '.')}`;
      if (matrix.routes().some((r) => r.id === routeId)) matrix.removeRoute(routeId);
      const added = matrix.addRoute({ id: routeId, source, target: path, amount: 1, combine: 'last', absolute: true });
      if (added.ok) this.log.info(`OSC learn: ${source} -> ${path}`);
      else this.log.warn(`OSC learn: ${added.problems.join('; ')}`);
      return;
    }
  }

  stats(): OscStats {
    const c = this.views.counters;
    const bad: Partial<Record<OscProblem, number>> = {};
    OscProblems.forEach((kind, i) => {
      const n = Atomics.load(c, Counter.bad + i);
      if (n) bad[kind] = n;
    });
    return {
      state: this.state,
      port: this.port,
      bind: this.config.bind,
      packets: Atomics.load(c, Counter.packets),
      messages: Atomics.load(c, Counter.messages),
      applied: Atomics.load(c, Counter.applied),
      signals: Atomics.load(c, Counter.signals),
      bad,
      feedback: { destinations: this.feedback.list().length, sent: this.feedback.sent },
      kernelDropped: this.port === null ? null : kernelUdpDrops(this.port),
      lastError: this.lastError,
    };
  }

  private onThreadMessage(m: OscThreadMessage): void {
    switch (m.type) {
      case 'problem':
        this.log.warn({ kind: m.kind, total: m.total, suppressed: m.suppressed }, `OSC ${m.kind}: ${m.message}${m.suppressed ? ` (+${m.suppressed} more in the last second)` : ''}`);
        break;
      case 'subscribe':
        if (this.feedback.add({ host: m.host, port: m.port, originKey: decodeOrigin(m.origin) ?? `osc:${m.host}:${m.port}`, fromShow: false })) {
          this.log.info(`OSC feedback: ${m.host}:${m.port} subscribed`);
        } else {
          this.refusedLog.note('feedback-full', `OSC feedback: ${m.host}:${m.port} refused: ${MAX_DESTINATIONS} surfaces hold every place (a subscription lasts ${SUBSCRIPTION_LEASE_MS / 60_000} minutes unless renewed)`);
        }
        break;
      case 'unsubscribe':
        this.feedback.remove(m.host, m.port);
        break;
      case 'param-by-message': {
        const path = this.paths[m.index];
        if (path) this.engine.params.set(path, m.value, decodeOrigin(m.origin));
        break;
      }
      case 'text-action': {
        const path = this.actionPaths[m.index];
        if (path) this.engine.actions.invoke(path, [m.value], m.arrived);
        break;
      }
      case 'listening':
      case 'failed':
        break;
    }
  }
}

function decodeValue(info: OscThreadData['params'][number], value: number): unknown {
  return paramKinds[info.kind].fromMailbox(info, value);
}
