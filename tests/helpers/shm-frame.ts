import fs from 'node:fs';

/** The newest frame in a shm output file (docs/shm-format.md), as any reader would take it. */
export function newestShmFrame(file: string): { width: number; height: number; data: Uint8Array } {
  const bytes = fs.readFileSync(file);
  const width = bytes.readUInt32LE(16);
  const height = bytes.readUInt32LE(20);
  const slots = bytes.readUInt32LE(32);
  const slotBytes = bytes.readUInt32LE(36);
  const written = Number(bytes.readBigUInt64LE(56));
  const at = 4096 + slotBytes * ((written - 1) % slots);
  return { width, height, data: bytes.subarray(at, at + width * height * 4) };
}
