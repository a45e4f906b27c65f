/**
 * AMF0, the encoding of RTMP's command messages (connect, publish …), as far as a relay needs it to read
 * a command and write it back with one string changed. Objects keep their key order.
 */
export type Amf0Value = number | boolean | string | null | undefined | Date | Amf0Object | Amf0Value[];
export interface Amf0Object {
  readonly amf0: 'object' | 'ecma-array';
  entries: [string, Amf0Value][];
}

export class Amf0Error extends Error {}

export function decodeAmf0(buffer: Buffer): Amf0Value[] {
  const values: Amf0Value[] = [];
  const at = { offset: 0 };
  while (at.offset < buffer.length) values.push(readValue(buffer, at));
  return values;
}

export function encodeAmf0(values: readonly Amf0Value[]): Buffer {
  return Buffer.concat(values.map(writeValue));
}

function need(buffer: Buffer, at: { offset: number }, bytes: number): void {
  if (at.offset + bytes > buffer.length) throw new Amf0Error('AMF0 value runs past its message');
}

function readString(buffer: Buffer, at: { offset: number }, long = false): string {
  const size = long ? 4 : 2;
  need(buffer, at, size);
  const length = long ? buffer.readUInt32BE(at.offset) : buffer.readUInt16BE(at.offset);
  at.offset += size;
  need(buffer, at, length);
  const text = buffer.toString('utf8', at.offset, at.offset + length);
  at.offset += length;
  return text;
}

function readEntries(buffer: Buffer, at: { offset: number }): [string, Amf0Value][] {
  const entries: [string, Amf0Value][] = [];
  for (;;) {
    const key = readString(buffer, at);
    need(buffer, at, 1);
    if (key === '' && buffer[at.offset] === 0x09) {
      at.offset++;
      return entries;
    }
    entries.push([key, readValue(buffer, at)]);
  }
}

function readValue(buffer: Buffer, at: { offset: number }): Amf0Value {
  need(buffer, at, 1);
  const marker = buffer[at.offset++]!;
  switch (marker) {
    case 0x00: {
      need(buffer, at, 8);
      const n = buffer.readDoubleBE(at.offset);
      at.offset += 8;
      return n;
    }
    case 0x01:
      need(buffer, at, 1);
      return buffer[at.offset++] !== 0;
    case 0x02:
      return readString(buffer, at);
    case 0x03:
      return { amf0: 'object', entries: readEntries(buffer, at) };
    case 0x05:
      return null;
    case 0x06:
      return undefined;
    case 0x08:
      need(buffer, at, 4);
      at.offset += 4; // the count is a hint; the entries end with the end marker
      return { amf0: 'ecma-array', entries: readEntries(buffer, at) };
    case 0x0a: {
      need(buffer, at, 4);
      const count = buffer.readUInt32BE(at.offset);
      at.offset += 4;
      const items: Amf0Value[] = [];
      for (let i = 0; i < count; i++) items.push(readValue(buffer, at));
      return items;
    }
    case 0x0b: {
      need(buffer, at, 10);
      const date = new Date(buffer.readDoubleBE(at.offset));
      at.offset += 10; // and a time zone, unused
      return date;
    }
    case 0x0c:
      return readString(buffer, at, true);
    default:
      throw new Amf0Error(`AMF0 marker 0x${marker.toString(16)} is not one a command uses`);
  }
}

function stringBytes(text: string, long = false): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const head = Buffer.alloc(long ? 4 : 2);
  if (long) head.writeUInt32BE(bytes.length);
  else head.writeUInt16BE(bytes.length);
  return Buffer.concat([head, bytes]);
}

function entriesBytes(entries: readonly [string, Amf0Value][]): Buffer {
  return Buffer.concat([...entries.flatMap(([k, v]) => [stringBytes(k), writeValue(v)]), Buffer.from([0, 0, 0x09])]);
}

function writeValue(value: Amf0Value): Buffer {
  if (typeof value === 'number') {
    const b = Buffer.alloc(9);
    b[0] = 0x00;
    b.writeDoubleBE(value, 1);
    return b;
  }
  if (typeof value === 'boolean') return Buffer.from([0x01, value ? 1 : 0]);
  if (typeof value === 'string') {
    const long = Buffer.byteLength(value) > 0xffff;
    return Buffer.concat([Buffer.from([long ? 0x0c : 0x02]), stringBytes(value, long)]);
  }
  if (value === null) return Buffer.from([0x05]);
  if (value === undefined) return Buffer.from([0x06]);
  if (value instanceof Date) {
    const b = Buffer.alloc(11);
    b[0] = 0x0b;
    b.writeDoubleBE(value.getTime(), 1);
    return b;
  }
  if (Array.isArray(value)) {
    const head = Buffer.alloc(5);
    head[0] = 0x0a;
    head.writeUInt32BE(value.length, 1);
    return Buffer.concat([head, ...value.map(writeValue)]);
  }
  if (value.amf0 === 'ecma-array') {
    const head = Buffer.alloc(5);
    head[0] = 0x08;
    head.writeUInt32BE(value.entries.length, 1);
    return Buffer.concat([head, entriesBytes(value.entries)]);
  }
  return Buffer.concat([Buffer.from([0x03]), entriesBytes(value.entries)]);
}
