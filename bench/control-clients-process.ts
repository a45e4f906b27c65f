import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServer, ServerToClient } from '../control-surface/protocol.js';

/**
 * Two control surfaces in a process of their own (as a laptop and a tablet would be): one moves the
 * crossfader N times, the other reports when each move reaches it. Prints "sent <value> <ms>" and
 * "received <value> <ms>" lines (wall-clock ms) for the control bench.
 */
const [url, countText] = process.argv.slice(2);
const count = Number(countText ?? 150);
type Client = Socket<ServerToClient, ClientToServer>;
const open = (): Promise<Client> =>
  new Promise((resolve, reject) => {
    const s: Client = connect(url, { transports: ['websocket'], reconnection: false });
    s.once('params:list', () => resolve(s));
    s.once('connect_error', reject);
  });
const now = (): number => performance.timeOrigin + performance.now();
const [sender, receiver] = [await open(), await open()];
receiver.on('params:changed', (changes) => {
  const update = changes['/mixer/crossfade'];
  if (update) process.stdout.write(`received ${String(update.base)} ${now()}\n`);
});
for (let i = 1; i <= count; i++) {
  const value = (i % 100) / 100 + 0.001;
  process.stdout.write(`sent ${value} ${now()}\n`);
  sender.emit('params:set', { '/mixer/crossfade': value });
  await new Promise((r) => setTimeout(r, 40 + (i % 7) * 3));
}
await new Promise((r) => setTimeout(r, 300));
sender.disconnect();
receiver.disconnect();
