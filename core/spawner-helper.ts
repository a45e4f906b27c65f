import { spawn, type ChildProcess } from 'node:child_process';
import { markInheritedFdsCloseOnExec } from './libc.js';
import type { HelperEvent, HelperRequest } from './spawner.js';

/**
 * The spawner's helper process (see spawner.ts): a small process that starts children for the host and
 * tells it what they do. Its own memory is small, so starting a child (fork) costs it about a millisecond
 * whatever the host holds. When the host goes (its channel closes), every child goes with it.
 */
const children = new Map<number, ChildProcess>();
/**
 * A child that ends while the host is going (its channel closing) has nobody left to tell: the write's
 * error goes to the callback, where it is dropped, instead of crashing this process with EPIPE.
 */
const send = (event: HelperEvent): void => {
  if (process.connected) process.send?.(event, undefined, undefined, () => {});
};

process.on('message', (request: HelperRequest) => {
  if (request.type === 'kill') {
    children.get(request.id)?.kill(request.signal);
    return;
  }
  // The host's channel must not leak into the children (they would keep it open after this process ended).
  markInheritedFdsCloseOnExec();
  const child = spawn(request.command, request.args, { stdio: ['ignore', 'ignore', 'pipe'] });
  children.set(request.id, child);
  if (child.pid !== undefined) send({ type: 'spawned', id: request.id, pid: child.pid });
  child.stderr?.on('data', (chunk: Buffer) => send({ type: 'stderr', id: request.id, text: chunk.toString() }));
  child.on('error', (error: NodeJS.ErrnoException) => send({ type: 'error', id: request.id, code: error.code ?? null, message: error.message }));
  child.on('close', (code, signal) => {
    children.delete(request.id);
    send({ type: 'close', id: request.id, code, signal });
  });
});

process.on('disconnect', () => {
  for (const child of children.values()) child.kill('SIGKILL');
  process.exit(0);
});
