import dgram from 'node:dgram';
import { encode } from 'node-osc';

/**
 * OSC traffic from its own process (so it does not share the host's event loop):
 *   node osc-sender.js <port> <messagesPerSecond> <seconds> [address] [probe]
 * Background mode sends one packet over and over and prints how many it sent. Probe mode sends
 * values that identify each message (0.25 + id / 1e6) and prints "id sentAtMs" lines on a clock
 * shared by every process on the machine (performance.timeOrigin + performance.now()).
 */
const [portText, rateText, secondsText, address = '/bench/background', mode] = process.argv.slice(2);
const port = Number(portText);
const rate = Number(rateText);
const seconds = Number(secondsText);
const probe = mode === 'probe';
const socket = dgram.createSocket('udp4');
const background = encode({ oscType: 'message', address, args: [{ type: 'f', value: 0.5 }] });
const sentAt: string[] = [];
let sent = 0;
const start = performance.now();
const timer = setInterval(() => {
  const due = Math.min(Math.round(((performance.now() - start) / 1000) * rate), Math.round(rate * seconds));
  for (; sent < due; sent++) {
    if (probe) {
      const id = sent;
      socket.send(encode({ oscType: 'message', address, args: [{ type: 'f', value: 0.25 + id / 1e6 }] }), port, '127.0.0.1', () => {
        sentAt.push(`${id} ${(performance.timeOrigin + performance.now()).toFixed(4)}`);
      });
    } else {
      socket.send(background, port, '127.0.0.1');
    }
  }
  if (performance.now() - start >= seconds * 1000) {
    clearInterval(timer);
    setTimeout(() => {
      process.stdout.write(probe ? `${sentAt.join('\n')}\n` : `${sent}\n`);
      socket.close();
    }, 100);
  }
}, 5);
