/**
 * Reads `metadata_props` (field 14 of the ONNX ModelProto: key/value strings) straight from the
 * protobuf bytes, skipping everything else by its length, so a model can carry its own manifest
 * (key `vj-host.manifest`) and its licence notes without a protobuf library.
 */
export const MANIFEST_KEY = 'vj-host.manifest';

export function readMetadataProps(bytes: Uint8Array): Record<string, string> {
  const props: Record<string, string> = {};
  const reader = new Reader(bytes);
  while (!reader.done) {
    const tag = reader.varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (field === 14 && wire === 2) {
      const entry = new Reader(reader.bytes());
      let key = '';
      let value = '';
      while (!entry.done) {
        const t = entry.varint();
        if ((t & 7) !== 2) {
          entry.skip(t & 7);
          continue;
        }
        const text = new TextDecoder().decode(entry.bytes());
        if (t >> 3 === 1) key = text;
        else if (t >> 3 === 2) value = text;
      }
      if (key) props[key] = value;
    } else {
      reader.skip(wire);
    }
  }
  return props;
}

/** The protobuf bytes of one metadata_props entry, to append to a model (a repeated field may come last). */
export function encodeMetadataProp(key: string, value: string): Uint8Array {
  const k = new TextEncoder().encode(key);
  const v = new TextEncoder().encode(value);
  const entry = [0x0a, ...varint(k.length), ...k, 0x12, ...varint(v.length), ...v];
  return Uint8Array.from([0x72, ...varint(entry.length), ...entry]);
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

class Reader {
  private offset = 0;
  constructor(private readonly data: Uint8Array) {}

  get done(): boolean {
    return this.offset >= this.data.length;
  }

  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const byte = this.data[this.offset++];
      if (byte === undefined) throw new Error('not an ONNX model: the protobuf ends inside a number');
      result += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return result;
      scale *= 128;
    }
    throw new Error('not an ONNX model: a protobuf number is too long');
  }

  bytes(): Uint8Array {
    const length = this.varint();
    if (this.offset + length > this.data.length) throw new Error('not an ONNX model: the protobuf is truncated');
    const out = this.data.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  skip(wire: number): void {
    switch (wire) {
      case 0:
        this.varint();
        return;
      case 1:
        this.offset += 8;
        return;
      case 2:
        this.bytes();
        return;
      case 5:
        this.offset += 4;
        return;
      default:
        throw new Error(`not an ONNX model: unknown protobuf wire type ${wire}`);
    }
  }
}
