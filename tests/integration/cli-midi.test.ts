import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ShmReader } from '../../outputs/shm/shm-reader.js';
import { startHost, uniqueShmName, type HostProcess } from '../helpers/host-process.js';
import { until } from '../helpers/until.js';

let host: HostProcess | null = null;
const shmName = uniqueShmName('midi');
afterEach(async () => {
  await host?.stop('SIGKILL');
  fs.rmSync(path.join('/dev/shm', shmName), { force: true });
});

describe('MIDI on a machine without MIDI (no ALSA sequencer here)', () => {
  it('the real MIDI library fails to open; the host says so once and keeps rendering', async () => {
    host = startHost(['--shm-name', shmName, '--size', '320x180']);
    await host.waitFor(/MIDI unavailable: /);
    await host.waitFor(/vj-host running/);
    const reader = new ShmReader(path.join('/dev/shm', shmName));
    const before = reader.header()!.framesWritten;
    // 120 frames at 30 fps take at least 4 s (the clock never runs fast): longer than the 3 s rescan,
    // and the frames keep coming meanwhile.
    await until(() => reader.header()!.framesWritten >= before + 120, 15_000, '120 more frames');
    reader.close();
    expect(host.output().match(/MIDI unavailable: /g)).toHaveLength(1);
    expect(host.output()).toMatch(/MIDI unavailable: Failed to initialise RtMidi/);
    expect((await host.stop('SIGINT')).code).toBe(0);
  });
});
