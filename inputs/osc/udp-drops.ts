import fs from 'node:fs';

/**
 * Datagrams the kernel dropped for a UDP port because its receive buffer was full (the OSC thread did
 * not read fast enough): the `drops` column of /proc/net/udp and udp6 on Linux. Null where the system
 * does not say.
 */
export function kernelUdpDrops(port: number): number | null {
  if (process.platform !== 'linux') return null;
  let found = false;
  let drops = 0;
  for (const table of ['/proc/net/udp', '/proc/net/udp6']) {
    let text: string;
    try {
      text = fs.readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      if (!local || parseInt(local.slice(local.lastIndexOf(':') + 1), 16) !== port) continue;
      found = true;
      drops += Number(fields.at(-1)) || 0;
    }
  }
  return found ? drops : null;
}
