import { readFrameCode } from '../core/frame-code.js';
import { NdiReceiver } from '../ndi/receiver.js';
import { loadNdiRuntime } from '../ndi/runtime.js';

/**
 * A downstream NDI app in its own process (as Resolume or TouchDesigner would be): receives from the
 * URL in argv[2] and prints "<frame code> <wall-clock ms>" for each frame, for the outputs bench.
 */
const url = process.argv[2];
if (!url) throw new Error('usage: ndi-receiver-process <host:port>');
const receiver = new NdiReceiver(loadNdiRuntime(), { url }, (frame) => {
  const code = readFrameCode(frame.data, frame.width, frame.height, frame.stride);
  if (code !== null) process.stdout.write(`${code} ${performance.timeOrigin + performance.now()}\n`);
});
receiver.start();
process.on('SIGTERM', () => {
  void receiver.close().then(() => process.exit(0));
});
