import { readFrameCode } from '../../core/frame-code.js';
import { findNdiSources } from '../../ndi/finder.js';
import { NdiReceiver } from '../../ndi/receiver.js';
import { loadNdiRuntime } from '../../ndi/runtime.js';

/** A real NDI receiver (the runtime's receive API, in the test process) that reads frame codes. */
export interface NdiProbe {
  receiver: NdiReceiver;
  codes: number[];
  sizes: string[];
  /** Arrival times (performance.now) of each frame. */
  arrivals: number[];
  /** First pixel of the latest frame. */
  firstPixel: number[];
  latest: Uint8Array | null;
  close(): Promise<void>;
}

export function ndiProbe(url: string, keepPixels = false): NdiProbe {
  const probe: NdiProbe = {
    codes: [], sizes: [], arrivals: [], firstPixel: [], latest: null,
    receiver: new NdiReceiver(loadNdiRuntime(), { url }, (frame) => {
      probe.arrivals.push(performance.now());
      probe.sizes.push(`${frame.width}x${frame.height}`);
      const code = readFrameCode(frame.data, frame.width, frame.height, frame.stride);
      if (code !== null) probe.codes.push(code);
      probe.firstPixel = [...frame.data.subarray(0, 4)];
      if (keepPixels) probe.latest = frame.data.slice(0, frame.stride * frame.height);
    }, 'vj-host test probe'),
    close: () => probe.receiver.close(),
  };
  probe.receiver.start();
  return probe;
}

/** The URL of a local NDI source whose name contains `name`, found through the runtime's discovery. */
export async function ndiSourceUrl(name: string, ms = 5000): Promise<string> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const found = await findNdiSources(loadNdiRuntime(), { waitMs: 300 });
    const source = found.sources.find((s) => s.name.includes(`(${name})`));
    if (source?.url) return source.url;
  }
  throw new Error(`no NDI source named "${name}" was found`);
}
