import dgram from 'node:dgram';
import { encode } from 'node-osc';

/**
 * OSC traffic from its own process (so it does not share the host's event loop):
 *   node osc-sender.js <port> <messagesPerSecond> <seconds> [address] [probeEvery]
 * ("%n" in the address is replaced by each message's number.)
 * Sends one background packet over and over, spread evenly (1 ms steps). With probeEvery = N, every
 * Nth message is a probe to /deck/a/fx/0/zoom whose value identifies it (0.25 + id / 1e6), and the
 * output is "id sentAtMs" lines on the clock every process shares (performance.timeOrigin + now());
 * otherwise it prints how many it sent.
 */
const [portText, rateText, secondsText, address = '/bench/background', probeEveryText] = process.argv.slice(2);
const probeEvery = Number(probeEveryText ?? 0);
const port = Number(portText);
const rate = Number(rateText);
const seconds = Number(secondsText);
const socket = dgram.createSocket('udp4');
// "%n" in the address is replaced by the message's number: a new address every time (no cache helps).
const varying = address.includes('%n');
const background = encode({ oscType: 'message', address, args: [{ type: 'f', value: 0.5 }] });
const backgroundFor = (n: number): Buffer => (varying ? encode({ oscType: 'message', address: address.replace('%n', String(n)), args: [{ type: 'f', value: 0.5 }] }) : background);
const sentAt: string[] = [];
let sent = 0;
const start = performance.now();
const timer = setInterval(() => {
  const due = Math.min(Math.round(((performance.now() - start) / 1000) * rate), Math.round(rate * seconds));
  for (; sent < due; sent++) {
    if (probeEvery && sent % probeEvery === 0) {
      const id = sent / probeEvery;
      const packet = encode({ oscType: 'message', address: '/deck/a/fx/0/zoom', args: [{ type: 'f', value: 0.25 + id / 1e6 }] });
      sentAt.push(`${id} ${(performance.timeOrigin + performance.now()).toFixed(4)}`);
      socket.send(packet, port, '127.0.0.1');
    } else {
      socket.send(backgroundFor(sent), port, '127.0.0.1');
    }
  }
  if (performance.now() - start >= seconds * 1000) {
    clearInterval(timer);
    setTimeout(() => {
      process.stdout.write(probeEvery ? `${sent}\n${sentAt.join('\n')}\n` : `${sent}\n`);
      socket.close();
    }, 100);
  }
}, 1);
