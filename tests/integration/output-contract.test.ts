import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { silentLog } from '../../core/log.js';
import { EncoderOutput } from '../../outputs/ffmpeg/encoder-output.js';
import { NdiOutput } from '../../outputs/ndi/ndi-output.js';
import { ShmOutput } from '../../outputs/shm/shm-output.js';
import { tempDir, uniqueShmName } from '../helpers/host-process.js';
import { CONTRACT_SIZE, outputContract } from '../helpers/output-contract.js';
import { startRtmpServer, type RtmpServer } from '../helpers/rtmp-server.js';

// Every output type against its real target: /dev/shm, the NDI runtime, nginx-rtmp over loopback, a file.
let server: RtmpServer;
const dir = tempDir('contract');
beforeAll(async () => {
  server = await startRtmpServer();
});
afterAll(async () => {
  await server.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

const encoder = { input: CONTRACT_SIZE, fps: 30, size: null, bitrateKbps: 500, keyframeSeconds: 1, preset: 'ultrafast', audio: 'silent', audioBitrateKbps: 64 } as const;
let n = 0;

outputContract({
  name: 'shm',
  synchronous: true,
  create: () => new ShmOutput({ id: 'shm', name: uniqueShmName('contract'), slots: 2, fps: 30, dir, ...CONTRACT_SIZE }),
});

outputContract({
  name: 'ndi',
  create: () => new NdiOutput({ id: 'ndi', name: `vj-host-contract-${process.pid}-${n++}`, fps: 30, alpha: false, groups: null, log: silentLog }),
});

outputContract({
  name: 'rtmp',
  secrets: ['contract-key-0042'],
  create: () =>
    new EncoderOutput({ id: 'rtmp', type: 'rtmp', settings: encoder, target: () => ({ kind: 'stream', url: server.url(`contract-key-0042-${n++}`) }), log: silentLog }),
});

outputContract({
  name: 'record',
  create: () =>
    new EncoderOutput({
      id: 'record', type: 'record', settings: { ...encoder, audio: 'none' },
      target: () => ({ kind: 'file', path: path.join(dir, `rec-${n++}.mp4`), container: 'mp4' }), log: silentLog,
    }),
});
