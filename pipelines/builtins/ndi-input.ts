import { describeError } from '../../core/errors.js';
import { RgbaScaler } from '../../core/scale-rgba.js';
import { Param } from '../../core/params.js';
import { Type } from '@sinclair/typebox';
import { loadNdiRuntime } from '../../ndi/runtime.js';
import { NdiReceiver, type NdiSourceAddress, type ReceivedFrame } from '../../ndi/receiver.js';
import { definePipeline } from '../contract.js';

const params = Param.object({
  source: Type.String({
    default: '',
    maxLength: 256,
    label: 'NDI source',
    description: 'The source\'s full NDI name, "MACHINE (name)", or "host:port" to connect without discovery.',
  }),
  hold: Param.boolean({ default: true, label: 'Hold last frame', description: 'When the source stops: keep its last frame (true) or go black.' }),
});

const HOLD_LIMIT_MS = 1000;

/** "host:port" addresses a sender directly; anything else is an NDI name found by discovery. */
export function parseNdiSource(text: string): NdiSourceAddress | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  return /^[\w.-]+:\d{1,5}$/.test(trimmed) ? { url: trimmed } : { name: trimmed };
}

/**
 * A deck fed by an NDI source (a Resolume composition, a camera, another machine's output), so models
 * and effects can work on it. Frames arrive on their own schedule and are scaled into the show's size
 * as they come; the frame loop takes whichever arrived last and never waits for one.
 */
export const ndiInput = definePipeline({
  id: 'ndi-input',
  name: 'NDI input',
  kind: 'source',
  description: 'Receives an NDI source by name or host:port.',
  params,
  create(ctx) {
    const runtime = loadNdiRuntime();
    const frame = ctx.pool.acquire(ctx.width, ctx.height);
    const scaler = new RgbaScaler();
    let receiver: NdiReceiver | null = null;
    let connectedTo = '';
    let lastArrival = 0;
    let closing: Promise<void> = Promise.resolve();

    const onFrame = (received: ReceivedFrame): void => {
      scaler.scale(received.data, received.width, received.height, received.stride, frame.data, ctx.width, ctx.height);
      lastArrival = performance.now();
    };
    const connect = (source: string): void => {
      connectedTo = source;
      const old = receiver;
      receiver = null;
      const address = parseNdiSource(source);
      closing = closing.then(() => old?.close()).then(() => {
        if (!address || connectedTo !== source) return;
        try {
          receiver = new NdiReceiver(runtime, address, onFrame, 'vj-host');
          receiver.start();
          ctx.log.info({ source }, `NDI input: receiving "${source}"`);
        } catch (error) {
          ctx.log.error({ source, err: describeError(error) }, `NDI input: cannot receive "${source}"`);
        }
      });
    };
    return {
      process(_input, p, clock) {
        if (p.source !== connectedTo) connect(p.source);
        if (!p.hold && lastArrival > 0 && performance.now() - lastArrival > HOLD_LIMIT_MS) {
          frame.data.fill(0);
          lastArrival = 0;
        }
        frame.index = clock.frame;
        frame.time = clock.time;
        return frame;
      },
      async dispose() {
        connectedTo = '\0closed';
        const last = receiver;
        receiver = null;
        await closing;
        await last?.close();
        ctx.pool.release(frame);
      },
    };
  },
});
