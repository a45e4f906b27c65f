import fs from 'node:fs';
import { createFrame } from '../core/frame.js';
import { ShmOutput } from '../outputs/shm/shm-output.js';
import { slotBytesFor, slotDataOffset } from '../outputs/shm/format.js';
import { info, lowerIsBetter, median, type Bench } from './result.js';

const ROUNDS = 600;

export const shmOutputBench: Bench = {
  name: 'shm-output',
  description: "The shm output's cost per 720p frame as a ratio of a bare pwrite of the same frame to the same file.",
  run() {
    const frame = createFrame(1280, 720);
    for (let i = 0; i < frame.data.length; i++) frame.data[i] = i & 255;
    const output = new ShmOutput({ id: 'bench', name: `vj-host-bench-shm-${process.pid}`, slots: 3, fps: 60, width: 1280, height: 720 });
    return output.start().then(async () => {
      const fd = fs.openSync(output.path, 'r+');
      const slotBytes = slotBytesFor(1280 * 4, 720);
      const shm: number[] = [];
      const bare: number[] = [];
      // Interleaved, so both see the same machine state; the first rounds warm both paths up.
      for (let i = 0; i < ROUNDS + 50; i++) {
        frame.index = i;
        // Alternate which goes first, so neither always finds the pages warm from the other.
        const shmFirst = i % 2 === 0;
        let a = 0;
        let b = 0;
        for (const which of shmFirst ? ['shm', 'bare'] : ['bare', 'shm']) {
          const t = performance.now();
          if (which === 'shm') output.submit(frame);
          // Into the slot the output writes this round: same pages, so the difference is the output's own overhead.
          else fs.writeSync(fd, frame.data, 0, frame.data.byteLength, slotDataOffset(i % 3, slotBytes));
          if (which === 'shm') a = performance.now() - t;
          else b = performance.now() - t;
        }
        if (i >= 50) {
          shm.push(a);
          bare.push(b);
        }
      }
      fs.closeSync(fd);
      await output.stop();
      fs.rmSync(output.path, { force: true });
      const ratio = median(shm) / median(bare);
      return {
        metrics: [
          info('shm submit per 720p frame (median)', median(shm), 'ms'),
          info('bare pwrite per 720p frame (median)', median(bare), 'ms'),
          lowerIsBetter('shm submit / bare pwrite', ratio, 'ratio', 1.2),
        ],
      };
    });
  },
};
