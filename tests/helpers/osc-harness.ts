import dgram from 'node:dgram';
import { decode, encode } from 'node-osc';
import { ManualDriver } from '../../core/driver.js';
import { silentLog, type Log } from '../../core/log.js';
import { buildEngine } from '../../host/build-engine.js';
import type { Engine } from '../../host/engine.js';
import { OscInput } from '../../inputs/osc/osc-input.js';
import { checkShow } from '../../host/show.js';
import { registerBuiltins } from '../../pipelines/builtins/index.js';
import { PipelineRegistry } from '../../pipelines/registry.js';

export type OscArg = number | string | boolean | { type: string; value: unknown };

export interface OscHarness {
  engine: Engine;
  driver: ManualDriver;
  osc: OscInput;
  port: number;
  registry: PipelineRegistry;
  /** A real UDP client socket, as a tablet would be. */
  client: Tablet;
  close(): Promise<void>;
}

/** A UDP peer: sends OSC to the host and records what comes back. */
export class Tablet {
  readonly socket = dgram.createSocket('udp4');
  readonly received: { address: string; args: unknown[] }[] = [];
  port = 0;

  async open(): Promise<this> {
    await new Promise<void>((resolve) => this.socket.bind(0, '127.0.0.1', resolve));
    this.port = this.socket.address().port;
    this.socket.on('message', (packet) => {
      const m = decode(packet) as { address: string; args: { value: unknown }[] };
      this.received.push({ address: m.address, args: m.args.map((a) => a.value) });
    });
    return this;
  }

  send(port: number, address: string, ...args: OscArg[]): Promise<void> {
    return this.sendRaw(port, encode({ oscType: 'message', address, args }));
  }

  sendRaw(port: number, packet: Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.socket.send(packet, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
  }

  close(): void {
    this.socket.close();
  }
}

export const registry = new PipelineRegistry();
registerBuiltins(registry);

/** Engine on a manual clock with two decks (so patterns have something to fan out to) and OSC on a free port. */
export async function oscHarness(
  oscConfig: Record<string, unknown> = {},
  log: Log = silentLog,
  options: { show?: Record<string, unknown>; setup?: (engine: Engine) => void } = {},
): Promise<OscHarness> {
  const show = checkShow(
    {
      size: '32x18',
      decks: [
        { id: 'a', source: { pipeline: 'test-pattern' }, chain: [{ pipeline: 'feedback' }] },
        { id: 'b', source: { pipeline: 'solid' }, chain: [{ pipeline: 'feedback' }] },
      ],
      osc: { port: 0, ...oscConfig },
      ...options.show,
    },
    registry,
  );
  const driver = new ManualDriver();
  const engine = await buildEngine(show, registry, { driver, log: silentLog });
  options.setup?.(engine);
  await engine.start();
  const osc = new OscInput(engine, show.osc, log);
  const port = (await osc.start())!;
  const client = await new Tablet().open();
  let closed = false;
  return {
    engine, driver, osc, port, registry, client,
    async close() {
      if (closed) return;
      closed = true;
      client.close();
      osc.stop();
      await engine.stop();
    },
  };
}

/** Waits until the host has handled `count` more OSC messages (or packets, for malformed ones) than `since`. */
export async function handled(osc: OscInput, since: { messages: number; packets: number }, count = 1, field: 'messages' | 'packets' = 'messages'): Promise<void> {
  const deadline = Date.now() + 3000;
  while (osc.stats()[field] < since[field] + count) {
    if (Date.now() > deadline) throw new Error(`OSC input handled ${osc.stats()[field] - since[field]} of ${count} ${field}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

export function snapshot(osc: OscInput): { messages: number; packets: number } {
  const s = osc.stats();
  return { messages: s.messages, packets: s.packets };
}
