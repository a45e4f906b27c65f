/**
 * What the OSC thread and the frame loop share (SharedArrayBuffers):
 * - a ring of checked changes (parameter values, actions) the OSC thread writes and the frame loop
 *   drains at the start of each tick — single producer, single consumer, never blocking either side;
 * - the latest value of every OSC signal, by id;
 * - counters (packets, messages, applied, bad input by kind).
 */
export const OscProblems = [
  'malformed', 'too-deep', 'bad-address', 'not-allowed', 'missing-argument', 'wrong-type',
  'not-finite', 'no-match', 'too-many-signals', 'queue-full',
] as const;
export type OscProblem = (typeof OscProblems)[number];

export const Counter = { head: 0, tail: 1, packets: 2, messages: 3, applied: 4, signals: 5, bad: 8 } as const;
const COUNTERS = Counter.bad + OscProblems.length;

export const RING_RECORDS = 16384;
/** Per record: kind * 2^20 + index, value, origin (IPv4 * 65536 + port, 0 = unknown), arrival time (ms, shared clock), queued time. */
const RECORD = 5;
export const RecordKind = { param: 1, action: 2 } as const;

export const MAX_SIGNALS = 1024;
/** Signal names live in shared memory too, so the frame loop learns of a new one in the same drain as its value. */
const NAME_BYTES = 256;

export interface MailboxBuffers {
  counters: SharedArrayBuffer;
  ring: SharedArrayBuffer;
  signalValues: SharedArrayBuffer;
  signalTimes: SharedArrayBuffer;
  signalNames: SharedArrayBuffer;
}

export function createMailbox(): MailboxBuffers {
  return {
    counters: new SharedArrayBuffer(COUNTERS * 4),
    ring: new SharedArrayBuffer(RING_RECORDS * RECORD * 8),
    signalValues: new SharedArrayBuffer(MAX_SIGNALS * 8),
    signalTimes: new SharedArrayBuffer(MAX_SIGNALS * 8),
    signalNames: new SharedArrayBuffer(MAX_SIGNALS * NAME_BYTES),
  };
}

export interface MailboxViews {
  counters: Int32Array;
  ring: Float64Array;
  signalValues: Float64Array;
  signalTimes: Float64Array;
  signalNames: Uint8Array;
}

export function mailboxViews(b: MailboxBuffers): MailboxViews {
  return {
    counters: new Int32Array(b.counters),
    ring: new Float64Array(b.ring),
    signalValues: new Float64Array(b.signalValues),
    signalTimes: new Float64Array(b.signalTimes),
    signalNames: new Uint8Array(b.signalNames),
  };
}

/** Producer side: publishes signal `id`'s name (ids are handed out in order: 0, 1, 2, ...). */
export function publishSignalName(v: MailboxViews, id: number, name: string): void {
  const bytes = Buffer.from(name, 'utf8').subarray(0, NAME_BYTES - 1);
  v.signalNames.fill(0, id * NAME_BYTES, (id + 1) * NAME_BYTES);
  v.signalNames.set(bytes, id * NAME_BYTES);
  Atomics.store(v.counters, Counter.signals, id + 1);
}

export function signalName(v: MailboxViews, id: number): string {
  const start = id * NAME_BYTES;
  let end = start;
  while (end < start + NAME_BYTES && v.signalNames[end] !== 0) end++;
  return Buffer.from(v.signalNames.subarray(start, end)).toString('utf8');
}

export function count(v: MailboxViews, counter: number, by = 1): void {
  Atomics.add(v.counters, counter, by);
}

export function countProblem(v: MailboxViews, problem: OscProblem): void {
  Atomics.add(v.counters, Counter.bad + OscProblems.indexOf(problem), 1);
}

/** Producer side. False when the ring is full (the frame loop has not drained for a long while). */
export function push(v: MailboxViews, kind: number, index: number, value: number, origin: number, arrivedMs: number, queuedMs: number): boolean {
  const head = Atomics.load(v.counters, Counter.head);
  const tail = Atomics.load(v.counters, Counter.tail);
  if (head - tail >= RING_RECORDS) return false;
  const o = (head % RING_RECORDS) * RECORD;
  v.ring[o] = kind * 1048576 + index;
  v.ring[o + 1] = value;
  v.ring[o + 2] = origin;
  v.ring[o + 3] = arrivedMs;
  v.ring[o + 4] = queuedMs;
  Atomics.store(v.counters, Counter.head, head + 1);
  return true;
}

export interface Drained {
  kind: number;
  index: number;
  value: number;
  origin: number;
  arrivedMs: number;
  queuedMs: number;
}

/** Consumer side: calls `take` for every record written so far, in order. No allocation. */
export function drain(v: MailboxViews, take: (kind: number, index: number, value: number, origin: number, arrivedMs: number, queuedMs: number) => void): number {
  const head = Atomics.load(v.counters, Counter.head);
  let tail = Atomics.load(v.counters, Counter.tail);
  const n = head - tail;
  for (; tail < head; tail++) {
    const o = (tail % RING_RECORDS) * RECORD;
    const key = v.ring[o]!;
    const kind = Math.floor(key / 1048576);
    take(kind, key - kind * 1048576, v.ring[o + 1]!, v.ring[o + 2]!, v.ring[o + 3]!, v.ring[o + 4]!);
  }
  Atomics.store(v.counters, Counter.tail, tail);
  return n;
}

/** 127.0.0.1:9000 <-> 2130706433 * 65536 + 9000; exact in a double. 0 when not IPv4. */
export function encodeOrigin(address: string, port: number): number {
  const parts = address.split('.');
  if (parts.length !== 4) return 0;
  let ip = 0;
  for (const p of parts) ip = ip * 256 + (Number(p) & 255);
  return ip * 65536 + port;
}

export function decodeOrigin(origin: number): string | null {
  if (!origin) return null;
  const port = origin % 65536;
  let ip = Math.floor(origin / 65536);
  const bytes: number[] = [];
  for (let i = 0; i < 4; i++) {
    bytes.unshift(ip % 256);
    ip = Math.floor(ip / 256);
  }
  return `osc:${bytes.join('.')}:${port}`;
}
