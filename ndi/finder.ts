import fs from 'node:fs';
import type { NdiRuntime } from './runtime.js';

export interface NdiSourceInfo {
  name: string;
  url: string | null;
}

export interface NdiDiscovery {
  sources: NdiSourceInfo[];
  /** Whether a system mDNS responder runs; without one only this machine's sources (and `extraIps`) show. */
  mdnsResponder: boolean;
  note: string | null;
}

/**
 * Lists the NDI sources seen within `waitMs`. The runtime discovers over mDNS through the system's
 * responder (Avahi on Linux, Bonjour elsewhere); `extraIps` are asked directly, which finds senders on
 * this machine (127.0.0.1) even where no responder runs.
 */
export async function findNdiSources(runtime: NdiRuntime, options: { waitMs?: number; extraIps?: string[] } = {}): Promise<NdiDiscovery> {
  const finder = runtime.findCreate({ show_local_sources: true, p_groups: null, p_extra_ips: (options.extraIps ?? ['127.0.0.1']).join(',') });
  if (!finder) throw new Error('the NDI runtime could not start discovery');
  try {
    const deadline = Date.now() + (options.waitMs ?? 1500);
    let sources: NdiSourceInfo[] = [];
    while (Date.now() < deadline) {
      const left = Math.max(1, deadline - Date.now());
      await new Promise<void>((resolve) => runtime.findWait.async(finder, Math.min(left, 250), () => resolve()));
      sources = runtime.findSources(finder).map((s) => ({ name: s.p_ndi_name ?? '', url: s.p_url_address }));
    }
    const mdnsResponder = mdnsResponderRunning();
    return {
      sources,
      mdnsResponder,
      note: mdnsResponder
        ? null
        : 'no mDNS responder runs on this machine (Linux: start avahi-daemon), so only sources on this machine are listed; connect to others by host:port',
    };
  } finally {
    runtime.findDestroy(finder);
  }
}

export function mdnsResponderRunning(): boolean {
  if (process.platform !== 'linux') return true;
  return fs.existsSync('/run/avahi-daemon/socket') || fs.existsSync('/var/run/avahi-daemon/socket');
}
