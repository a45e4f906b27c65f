import { spawn, type ChildProcess } from 'node:child_process';
import type { Log } from '../../core/log.js';

/**
 * Advertises a service over mDNS through the system's responder (avahi), when there is one.
 * vj-host does not run a responder of its own: the system's answers for the machine already.
 */
export function advertise(name: string, type: string, port: number, log: Log): () => void {
  let child: ChildProcess;
  try {
    child = spawn('avahi-publish', ['-s', name, type, String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    log.info(`mDNS: not advertising ${type} (${(error as Error).message})`);
    return () => {};
  }
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  child.on('error', () => log.info(`mDNS: no responder to advertise ${type} with (avahi-publish not installed); clients can connect by address`));
  child.on('exit', (code) => {
    if (code) log.info(`mDNS: ${type} not advertised (${stderr.trim() || `avahi-publish exited ${code}`}); clients can connect by address`);
  });
  child.unref();
  return () => {
    if (child.exitCode === null) child.kill();
  };
}
