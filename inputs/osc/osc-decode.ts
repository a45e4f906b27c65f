/**
 * OSC 1.0 / 1.1 packet decoding with every argument type of the two specs: i f s b (1.0), h t d S c r m
 * T F N I and [ ] arrays (1.1 and the common extensions). node-osc, which sends our feedback, decodes
 * only i f s b T F N m; liblo's `oscsend` sends doubles as `d` and colour pickers send `r`, so the host
 * reads packets itself. Every read is bounds-checked: a short or lying packet throws, never reads past.
 */

export type OscValue = number | string | boolean | Uint8Array | OscColor | OscValue[];

/** An `r` argument: 8 bits each of red, green, blue and alpha. */
export interface OscColor {
  readonly r: number;
  readonly g: number;
  readonly b: number;
  readonly a: number;
}

export interface OscArgument {
  /** The type tag it came as. */
  type: string;
  value: OscValue;
}

export interface OscMessage {
  oscType: 'message';
  address: string;
  args: OscArgument[];
}

export interface OscBundle {
  oscType: 'bundle';
  /** NTP time tag: seconds since 1900 (1 = immediately). */
  timetag: number;
  elements: (OscMessage | OscBundle)[];
}

const MAX_DEPTH = 32;
const NTP_FRACTION = 2 ** 32;

export class OscDecodeError extends Error {}
/** Bundles inside bundles past MAX_DEPTH: refused without recursing further. */
export class OscTooDeepError extends OscDecodeError {}

export function isOscColor(value: unknown): value is OscColor {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) && 'r' in value;
}

/** `#rrggbb` of an `r` argument (alpha is dropped: parameters hold opaque colours). */
export function colorToHex(color: OscColor): string {
  return `#${[color.r, color.g, color.b].map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

export function decodePacket(packet: Uint8Array, depth = 0): OscMessage | OscBundle {
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  const reader = { view, bytes: packet, at: 0 };
  if (packet.length >= 8 && readString(reader) === '#bundle') {
    if (depth >= MAX_DEPTH) throw new OscTooDeepError(`bundle nested deeper than ${MAX_DEPTH} levels`);
    need(reader, 8);
    const seconds = view.getUint32(reader.at);
    const fraction = view.getUint32(reader.at + 4);
    reader.at += 8;
    const elements: (OscMessage | OscBundle)[] = [];
    while (reader.at < packet.length) {
      need(reader, 4);
      const size = view.getInt32(reader.at);
      reader.at += 4;
      if (size <= 0 || size % 4 !== 0) throw new OscDecodeError(`bundle element of size ${size}`);
      need(reader, size);
      elements.push(decodePacket(packet.subarray(reader.at, reader.at + size), depth + 1));
      reader.at += size;
    }
    return { oscType: 'bundle', timetag: seconds + fraction / NTP_FRACTION, elements };
  }
  reader.at = 0;
  const address = readString(reader);
  if (reader.at >= packet.length) return { oscType: 'message', address, args: [] };
  const tags = readString(reader);
  if (!tags.startsWith(',')) throw new OscDecodeError('type tag string does not start with ","');
  const stack: OscArgument[][] = [[]];
  for (const tag of tags.slice(1)) {
    if (tag === '[') {
      stack.push([]);
      continue;
    }
    if (tag === ']') {
      if (stack.length < 2) throw new OscDecodeError('"]" without "["');
      const items = stack.pop()!;
      stack.at(-1)!.push({ type: '[', value: items.map((a) => a.value) });
      continue;
    }
    const value = readArgument(reader, tag);
    if (value !== undefined) stack.at(-1)!.push({ type: tag, value });
  }
  if (stack.length !== 1) throw new OscDecodeError('"[" without "]"');
  return { oscType: 'message', address, args: stack[0]! };
}

/** One argument's value; undefined for N (nil) and I (impulse), which carry none. */
function readArgument(reader: Reader, tag: string): OscValue | undefined {
  const { view } = reader;
  switch (tag) {
    case 'i':
      return take(reader, 4, () => view.getInt32(reader.at));
    case 'f':
      return take(reader, 4, () => view.getFloat32(reader.at));
    case 'd':
      return take(reader, 8, () => view.getFloat64(reader.at));
    case 'h':
      return take(reader, 8, () => Number(view.getBigInt64(reader.at)));
    case 't':
      return take(reader, 8, () => view.getUint32(reader.at) + view.getUint32(reader.at + 4) / NTP_FRACTION);
    case 'c':
      return take(reader, 4, () => String.fromCodePoint(view.getUint32(reader.at) & 0x10ffff));
    case 'r':
      return take(reader, 4, () => ({ r: view.getUint8(reader.at), g: view.getUint8(reader.at + 1), b: view.getUint8(reader.at + 2), a: view.getUint8(reader.at + 3) }));
    case 'm':
      return take(reader, 4, () => [0, 1, 2, 3].map((i) => view.getUint8(reader.at + i)));
    case 's':
    case 'S':
      return readString(reader);
    case 'b': {
      const size = take(reader, 4, () => view.getInt32(reader.at));
      if (size < 0) throw new OscDecodeError(`blob of size ${size}`);
      const padded = Math.ceil(size / 4) * 4;
      need(reader, padded);
      const blob = reader.bytes.slice(reader.at, reader.at + size);
      reader.at += padded;
      return blob;
    }
    case 'T':
      return true;
    case 'F':
      return false;
    case 'N':
    case 'I':
      return undefined;
    default:
      throw new OscDecodeError(`unknown type tag "${tag}"`);
  }
}

interface Reader {
  view: DataView;
  bytes: Uint8Array;
  at: number;
}

function need(reader: Reader, bytes: number): void {
  if (reader.at + bytes > reader.bytes.length) throw new OscDecodeError(`packet ends ${reader.at + bytes - reader.bytes.length} bytes short`);
}

function take<T>(reader: Reader, bytes: number, read: () => T): T {
  need(reader, bytes);
  const value = read();
  reader.at += bytes;
  return value;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function readString(reader: Reader): string {
  const end = reader.bytes.indexOf(0, reader.at);
  if (end < 0) throw new OscDecodeError('string without its terminating zero');
  let text: string;
  try {
    text = utf8.decode(reader.bytes.subarray(reader.at, end));
  } catch {
    throw new OscDecodeError('string is not UTF-8');
  }
  // Lenient about a last string sent without its padding; nothing is read past the packet either way.
  reader.at = Math.min(Math.ceil((end + 1) / 4) * 4, reader.bytes.length);
  return text;
}
