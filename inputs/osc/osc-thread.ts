import dgram from 'node:dgram';
import { parentPort, workerData } from 'node:worker_threads';
import type { ParamInfo } from '../../core/params.js';
import { OncePerKind } from '../../core/once-per-kind.js';
import { compilePattern, isPattern } from './address-pattern.js';
import { checkActionArgs, type ActionInfo } from '../../params/actions.js';
import { colorToHex, decodePacket, isOscColor, OscTooDeepError, type OscBundle, type OscMessage } from './osc-decode.js';
import { paramKinds } from '../../params/kinds.js';
import { coerce } from '../../params/param-space.js';
import {
  count, countProblem, Counter, encodeOrigin, mailboxViews, MAX_SIGNALS, publishSignalName, push, RecordKind,
  type MailboxBuffers, type OscProblem,
} from './osc-mailbox.js';

/**
 * The OSC thread: owns the UDP socket, decodes and checks every packet, and queues checked changes
 * in shared memory for the frame loop. Running apart from the frame loop, it takes a message the
 * moment it arrives, even while a frame is being rendered.
 */
export interface OscThreadData {
  port: number;
  bind: string;
  allow: string[];
  declaredSignals: Record<string, [number, number]>;
  params: (Pick<ParamInfo, 'kind' | 'min' | 'max' | 'size' | 'options' | 'name' | 'default' | 'live' | 'modulatable'> & { path: string })[];
  actions: ActionInfo[];
  mailbox: MailboxBuffers;
}

export type OscThreadMessage =
  | { type: 'listening'; port: number }
  | { type: 'failed'; error: string }
  | { type: 'problem'; kind: OscProblem; message: string; total: number; suppressed: number }
  | { type: 'subscribe'; host: string; port: number; origin: number }
  | { type: 'unsubscribe'; host: string; port: number }
  /** A checked value that does not fit the numeric mailbox (text, a vector): it goes by message. */
  | { type: 'param-by-message'; index: number; value: unknown; origin: number }
  | { type: 'text-action'; index: number; value: string; arrived: number };

const MAX_BUNDLE_DEPTH = 32;
const data = workerData as OscThreadData;
const views = mailboxViews(data.mailbox);
let paramIndex = new Map(data.params.map((p, i) => [p.path, i]));
const actionIndex = new Map(data.actions.map((a, i) => [a.path, i]));
/** What each pattern seen lately matched (parameter and action indices), so a repeated pattern costs one lookup. */
const patternHits = new Map<string, { params: number[]; actions: number[] } | null>();
const PATTERN_CACHE = 512;
let segmentCounts = countSegments();

function countSegments(): Set<number> {
  return new Set([...data.params.map((p) => p.path), ...data.actions.map((a) => a.path)].map((path) => path.split('/').length));
}
const signals = new Map<string, { id: number; lo: number; hi: number; declared: boolean }>();
const now = (): number => performance.timeOrigin + performance.now();
const post = (message: OscThreadMessage): void => parentPort!.postMessage(message);
const problems = new OncePerKind((kind, message, { total, suppressed }) => post({ type: 'problem', kind: kind as OscProblem, message, total, suppressed }));

function bad(kind: OscProblem, message: string): void {
  countProblem(views, kind);
  problems.note(kind, message);
}

const socket = dgram.createSocket({ type: data.bind.includes(':') ? 'udp6' : 'udp4' });
socket.on('message', onPacket);
socket.once('error', (error) => post({ type: 'failed', error: error.message }));
socket.bind(data.port, data.bind, () => {
  socket.removeAllListeners('error');
  socket.on('error', () => {});
  post({ type: 'listening', port: socket.address().port });
});
parentPort!.on('message', (message: { type: string; params?: OscThreadData['params'] }) => {
  if (message.type === 'stop') socket.close(() => process.exit(0));
  if (message.type === 'params' && message.params) {
    // Same indices for old paths, new ones appended: the main thread decodes with the same table.
    data.params = message.params;
    paramIndex = new Map(data.params.map((p, i) => [p.path, i]));
    patternHits.clear();
    segmentCounts = countSegments();
  }
});

function onPacket(packet: Buffer, rinfo: dgram.RemoteInfo): void {
  handlePacket(packet, rinfo);
  // Counted once handled, so anyone waiting on the count sees the packet's effects.
  count(views, Counter.packets);
}

function handlePacket(packet: Buffer, rinfo: dgram.RemoteInfo): void {
  const arrived = now();
  if (data.allow.length && !data.allow.includes(rinfo.address)) {
    bad('not-allowed', `packet from ${rinfo.address}, which is not in osc.allow`);
    return;
  }
  let decoded: OscMessage | OscBundle;
  try {
    decoded = decodePacket(packet);
  } catch (error) {
    if (error instanceof OscTooDeepError) return bad('too-deep', `bundle nested deeper than ${MAX_BUNDLE_DEPTH} levels from ${rinfo.address}`);
    bad('malformed', `undecodable packet of ${packet.length} bytes from ${rinfo.address}:${rinfo.port} (${(error as Error).message})`);
    return;
  }
  dispatch(decoded, rinfo, encodeOrigin(rinfo.address, rinfo.port), arrived, 0);
}

/** Seconds from the NTP epoch (1900) to the Unix epoch. */
const NTP_UNIX_SECONDS = 2_208_988_800;
/** A timetag further back than this is not believed (a sender whose clock is off): arrival counts instead. */
const TIMETAG_TRUST_MS = 10_000;

/**
 * When a bundle's messages happened: its timetag (OSC 1.0), so a tap sent with one keeps the sender's
 * rhythm whatever the network does to it. "Immediately", a time to come, or one implausibly far back:
 * the arrival.
 */
function bundleTime(timetag: number, arrived: number): number {
  if (timetag < 1) return arrived;
  const ms = (timetag - NTP_UNIX_SECONDS) * 1000;
  return ms <= arrived && ms >= arrived - TIMETAG_TRUST_MS ? ms : arrived;
}

function dispatch(item: OscMessage | OscBundle, rinfo: dgram.RemoteInfo, origin: number, arrived: number, depth: number): void {
  if (item.oscType === 'bundle') {
    if (depth >= MAX_BUNDLE_DEPTH) {
      bad('too-deep', `bundle nested deeper than ${MAX_BUNDLE_DEPTH} levels from ${rinfo.address}`);
      return;
    }
    const when = bundleTime(item.timetag, arrived);
    for (const element of item.elements) dispatch(element, rinfo, origin, when, depth + 1);
    return;
  }
  handleMessage(item.address, item.args.map((a) => a.value), rinfo, origin, arrived);
  count(views, Counter.messages);
}

function handleMessage(address: string, args: unknown[], rinfo: dgram.RemoteInfo, origin: number, arrived: number): void {
  if (typeof address !== 'string' || !address.startsWith('/') || address.length > 512) {
    bad('bad-address', `address ${JSON.stringify(String(address).slice(0, 60))} does not start with "/"`);
    return;
  }
  if (address === '/vjhost/subscribe' || address === '/vjhost/unsubscribe') {
    const port = typeof args[0] === 'number' && Number.isInteger(args[0]) && args[0] > 0 && args[0] < 65536 ? args[0] : rinfo.port;
    post(address === '/vjhost/subscribe' ? { type: 'subscribe', host: rinfo.address, port, origin } : { type: 'unsubscribe', host: rinfo.address, port });
    return;
  }
  if (isPattern(address)) {
    const hits = matchPattern(address);
    if (hits === undefined) return bad('bad-address', `malformed address pattern ${JSON.stringify(address.slice(0, 60))}`);
    if (!hits) return bad('no-match', `pattern ${address.slice(0, 80)} from ${rinfo.address} matches no parameter`);
    for (const i of hits.params) setParam(i, args, origin, arrived);
    for (const i of hits.actions) queueAction(i, args, origin, arrived);
    return;
  }
  const action = actionIndex.get(address);
  if (action !== undefined) return queueAction(action, args, origin, arrived);
  const param = paramIndex.get(address);
  if (param !== undefined) return setParam(param, args, origin, arrived);
  feedSignal(address, args, arrived, rinfo.address);
}

/**
 * The parameters and actions a pattern fans out to (null: none; undefined: malformed). Actions only where
 * they allow patterns: a pattern of stars must never save a preset or stop an output. A pattern whose
 * segment count no address has is dropped before any matching.
 */
function matchPattern(address: string): { params: number[]; actions: number[] } | null | undefined {
  const cached = patternHits.get(address);
  if (cached !== undefined) return cached;
  const pattern = compilePattern(address);
  if (!pattern) return undefined;
  let hits: { params: number[]; actions: number[] } | null = null;
  if (segmentCounts.has(pattern.segments)) {
    const params: number[] = [];
    const actions: number[] = [];
    data.params.forEach((p, i) => {
      if (pattern.matches(p.path)) params.push(i);
    });
    data.actions.forEach((a, i) => {
      if (a.patterns && pattern.matches(a.path)) actions.push(i);
    });
    if (params.length || actions.length) hits = { params, actions };
  }
  if (patternHits.size >= PATTERN_CACHE) patternHits.delete(patternHits.keys().next().value!);
  patternHits.set(address, hits);
  return hits;
}

function setParam(index: number, args: unknown[], origin: number, arrived: number): void {
  const info = data.params[index]!;
  const kind = paramKinds[info.kind];
  const arity = kind.oscArity(info);
  if (args.length < arity) return bad('missing-argument', `${info.path} needs ${arity === 1 ? 'a value' : `${arity} values`}`);
  let raw = arity === 1 ? args[0] : args.slice(0, arity);
  if (arity === 1) {
    if (typeof raw === 'number' && !Number.isFinite(raw)) return bad('not-finite', `${info.path} got ${String(raw)}`);
    if (isOscColor(raw)) {
      if (info.kind !== 'color') return bad('wrong-type', `${info.path} takes no colour (r)`);
      raw = colorToHex(raw);
    }
    if (typeof raw === 'object') return bad('wrong-type', `${info.path} takes no ${Array.isArray(raw) ? 'array' : 'blob'}`);
  }
  const result = coerce(info, raw);
  if (!result.ok) return bad('wrong-type', `${info.path}: ${result.message}`);
  const value = kind.toMailbox(info, result.value);
  if (value === null) {
    post({ type: 'param-by-message', index, value: result.value, origin });
    count(views, Counter.applied);
    return;
  }
  queue(RecordKind.param, index, value, origin, arrived);
}

function queueAction(index: number, args: unknown[], origin: number, arrived: number): void {
  const info = data.actions[index]!;
  const checked = checkActionArgs(info, args);
  if (!checked.ok) return bad(args.length === 0 || Number.isNaN(args[0]) ? 'missing-argument' : 'wrong-type', checked.problem);
  if (typeof args[0] === 'string') {
    // A name (/preset/recall "sunrise"): strings do not fit the numeric mailbox, so it goes by message.
    post({ type: 'text-action', index, value: args[0].slice(0, 200), arrived });
    count(views, Counter.applied);
    return;
  }
  const first = typeof args[0] === 'number' ? args[0] : typeof args[0] === 'boolean' ? Number(args[0]) : Number.NaN;
  queue(RecordKind.action, index, first, origin, arrived);
}

function queue(kind: number, index: number, value: number, origin: number, arrived: number): void {
  if (push(views, kind, index, value, origin, arrived, now())) count(views, Counter.applied);
  else bad('queue-full', 'the frame loop has not taken OSC changes for a while; change dropped');
}

/** Signal addresses each sender address has created. */
const signalsBy = new Map<string, number>();
const MAX_SIGNALS_PER_SENDER = 256;

function feedSignal(address: string, args: unknown[], arrived: number, sender: string): void {
  const raw = args[0];
  const value = typeof raw === 'boolean' ? (raw ? 1 : 0) : raw;
  if (typeof value !== 'number') return bad('wrong-type', `${address} as a signal needs a number or T/F, got ${args.length ? typeof raw : 'nothing'}`);
  if (!Number.isFinite(value)) return bad('not-finite', `${address} got ${String(value)}`);
  let s = signals.get(address);
  if (!s) {
    if (signals.size >= MAX_SIGNALS) return bad('too-many-signals', `more than ${MAX_SIGNALS} distinct OSC signal addresses; ${address} ignored`);
    // One sender cannot take every place: a tablet has tens of controls, not hundreds.
    const mine = signalsBy.get(sender) ?? 0;
    if (mine >= MAX_SIGNALS_PER_SENDER) return bad('too-many-signals', `${sender} has sent ${MAX_SIGNALS_PER_SENDER} distinct signal addresses already; ${address.slice(0, 80)} ignored`);
    signalsBy.set(sender, mine + 1);
    const range = data.declaredSignals[address];
    s = range ? { id: signals.size, lo: Math.min(...range), hi: Math.max(...range), declared: true } : { id: signals.size, lo: 0, hi: 1, declared: false };
    signals.set(address, s);
    publishSignalName(views, s.id, address);
  }
  // Normalised by the declared range, or by the range seen so far (starting from 0..1, the usual fader).
  if (!s.declared) {
    if (value < s.lo) s.lo = value;
    if (value > s.hi) s.hi = value;
  }
  const normalised = (value - s.lo) / (s.hi - s.lo || 1);
  views.signalValues[s.id] = normalised < 0 ? 0 : normalised > 1 ? 1 : normalised;
  views.signalTimes[s.id] = arrived;
  count(views, Counter.applied);
}
