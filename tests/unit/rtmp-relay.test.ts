import { describe, expect, it } from 'vitest';
import { decodeAmf0, encodeAmf0 } from '../../outputs/ffmpeg/amf0.js';
import { ChunkRewriter, type RtmpMessage } from '../../outputs/ffmpeg/rtmp-relay.js';

/** Chunks of one message as an RTMP client writes them: a full header, then type-3 continuations. */
function chunks(csid: number, timestamp: number, typeId: number, payload: Buffer, chunkSize: number, fmt: 0 | 1 | 2 | 3 = 0): Buffer {
  const extended = timestamp >= 0xffffff;
  const ext = Buffer.alloc(4);
  ext.writeUInt32BE(timestamp);
  const header = [Buffer.alloc(11), Buffer.alloc(7), Buffer.alloc(3), Buffer.alloc(0)][fmt]!;
  if (fmt <= 2) header.writeUIntBE(extended ? 0xffffff : timestamp, 0, 3);
  if (fmt <= 1) {
    header.writeUIntBE(payload.length, 3, 3);
    header[6] = typeId;
  }
  if (fmt === 0) header.writeUInt32LE(1, 7);
  const out: Buffer[] = [Buffer.from([(fmt << 6) | csid]), header, ...(extended ? [ext] : [])];
  for (let at = 0; at < payload.length; at += chunkSize) {
    if (at > 0) out.push(Buffer.from([(3 << 6) | csid]), ...(extended ? [ext] : []));
    out.push(payload.subarray(at, at + chunkSize));
  }
  return Buffer.concat(out);
}

/** What a server reads back from the relay's output: the messages. */
function readBack(bytes: Buffer): RtmpMessage[] {
  const messages: RtmpMessage[] = [];
  const reader = new ChunkRewriter((m) => (messages.push(m), m), () => {});
  reader.push(Buffer.concat([Buffer.alloc(3073), bytes]));
  return messages;
}

describe('the RTMP relay\'s chunk stream', () => {
  it('passes the handshake byte for byte, swaps the key in publish and keeps every other message whole', () => {
    const written: Buffer[] = [];
    const relay = new ChunkRewriter(
      (m) => (m.typeId === 20 ? { ...m, payload: encodeAmf0(decodeAmf0(m.payload).map((v) => (v === 'stand-in' ? 'the-real-key' : v))) } : m),
      (b) => written.push(b),
    );
    const handshake = Buffer.alloc(3073, 7);
    const setChunk = Buffer.alloc(4);
    setChunk.writeUInt32BE(4096);
    const publish = encodeAmf0(['publish', 5, null, 'stand-in', 'live']);
    const video = Buffer.alloc(10_000, 0xab);
    const input = Buffer.concat([
      handshake,
      chunks(2, 0, 1, setChunk, 128),
      chunks(8, 0, 20, publish, 4096),
      chunks(6, 0x1234567, 9, video, 4096), // an extended timestamp (past 4.6 hours), over three chunks
      chunks(6, 40, 9, Buffer.alloc(100, 1), 4096, 1), // the next frame: a delta header with its own length
    ]);
    // Fed in awkward pieces, as TCP delivers them.
    for (let at = 0; at < input.length; at += 777) relay.push(input.subarray(at, at + 777));
    const out = Buffer.concat(written);
    expect(out.subarray(0, 3073).equals(handshake)).toBe(true);
    const messages = readBack(out.subarray(3073));
    expect(messages.map((m) => [m.csid, m.typeId, m.timestamp, m.payload.length])).toEqual([
      [2, 1, 0, 4],
      [8, 20, 0, encodeAmf0(['publish', 5, null, 'the-real-key', 'live']).length],
      [6, 9, 0x1234567, 10_000],
      [6, 9, 0x1234567 + 40, 100],
    ]);
    expect(decodeAmf0(messages[1]!.payload)).toEqual(['publish', 5, null, 'the-real-key', 'live']);
    expect(messages[2]!.payload.equals(video)).toBe(true);
  });

  it('AMF0 round-trips a connect command, key order kept', () => {
    const connect = ['connect', 1, { amf0: 'object' as const, entries: [['app', 'live'], ['tcUrl', 'rtmp://127.0.0.1:1935/live'], ['fpad', false], ['capabilities', 15]] as [string, string | boolean | number][] }];
    expect(decodeAmf0(encodeAmf0(connect))).toEqual(connect);
  });
});
