import { Bonjour } from 'bonjour-service';
import { describeError } from '../../core/errors.js';
import type { Log } from '../../core/log.js';

/**
 * Advertises services over mDNS from inside the host (bonjour-service, pure JS): no system daemon
 * needed, and nothing is left running when the host is killed. One responder per process, shared by
 * every advertised service and closed with the last of them.
 */
let responder: { bonjour: Bonjour; users: number } | null = null;

export function advertise(name: string, type: string, port: number, log: Log): () => void {
  const [service, protocol] = type.replace(/^_/, '').split('._') as [string, string];
  let published: ReturnType<Bonjour['publish']>;
  try {
    if (!responder) {
      const bonjour = new Bonjour({}, (error: unknown) => log.info(`mDNS: ${describeError(error)}; clients can connect by address`));
      responder = { bonjour, users: 0 };
    }
    published = responder.bonjour.publish({ name, type: service, protocol: protocol === 'udp' ? 'udp' : 'tcp', port, probe: false });
    published.on('error', (error: unknown) => log.info(`mDNS: ${type} not advertised (${describeError(error)}); clients can connect by address`));
    responder.users++;
  } catch (error) {
    log.info(`mDNS: not advertising ${type} (${describeError(error)}); clients can connect by address`);
    return () => {};
  }
  let stopped = false;
  return () => {
    if (stopped || !responder) return;
    stopped = true;
    const current = responder;
    (published.stop as (callback?: () => void) => void)();
    if (--current.users === 0) {
      responder = null;
      current.bonjour.destroy();
    }
  };
}
