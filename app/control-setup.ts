import os from 'node:os';
import qrcode from 'qrcode-terminal';
import { describeError } from '../core/errors.js';
import type { Log } from '../core/log.js';
import { newToken } from '../control-surface/auth.js';
import { createControlServer, listen, type ControlDeps, type ControlServer } from '../control-surface/server.js';
import type { ControlConfig } from '../host/show.js';

/**
 * The control surface for the running host: on 127.0.0.1 by default; with `lan`, on every interface
 * behind a token, announced as a URL (and a QR code for a tablet's camera). A port in use is reported
 * and the show runs on without it.
 */
export async function startControlSurface(deps: ControlDeps, config: ControlConfig, log: Log): Promise<ControlServer | null> {
  const token = config.lan ? newToken() : null;
  const host = config.lan ? '0.0.0.0' : '127.0.0.1';
  const server = createControlServer(deps, { host, port: config.port, token, log });
  deps.engine.addStatsSection('control', () => server.live.stats());
  let address: string;
  try {
    address = await listen(server, host, config.port);
  } catch (error) {
    log.error({ port: config.port }, `control surface could not listen on ${host}:${config.port}: ${describeError(error)} (the show runs on without it)`);
    await server.close().catch(() => {});
    return null;
  }
  const port = Number(new URL(address).port);
  if (!token) {
    log.info({ controlPort: port }, `control surface at http://127.0.0.1:${port}/`);
    return server;
  }
  const url = `http://${lanAddress() ?? '127.0.0.1'}:${port}/?token=${token}`;
  log.info({ controlPort: port, lan: true }, `control surface on the network at ${url}`);
  if (process.stderr.isTTY) qrcode.generate(url, { small: true }, (qr) => process.stderr.write(`${qr}\n`));
  return server;
}

/** This machine's address on the local network (the first non-internal IPv4). */
function lanAddress(): string | null {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return null;
}
