import type { Log } from '../../core/log.js';

/** A logger that keeps warnings and errors (their message text) for a test to look at. */
export function recordingLog(lines: string[]): Log {
  const record = (a: object | string, b?: string): number => lines.push(typeof a === 'string' ? a : (b ?? JSON.stringify(a)));
  const log: Log = { debug: () => {}, info: () => {}, warn: record, error: record, child: () => log };
  return log;
}
