/** u64 fields as two u32 halves, so the frame loop needs no BigInt (safe up to 2^53). */
export function writeU64(buf: Buffer, offset: number, value: number): void {
  buf.writeUInt32LE(value % 0x1_0000_0000 >>> 0, offset);
  buf.writeUInt32LE(Math.floor(value / 0x1_0000_0000) >>> 0, offset + 4);
}

export function readU64(buf: Buffer, offset: number): number {
  return buf.readUInt32LE(offset) + buf.readUInt32LE(offset + 4) * 0x1_0000_0000;
}
