import { pino } from 'pino';
import pretty from 'pino-pretty';
import type { Log } from '../core/log.js';

export const LogFormats = ['pretty', 'json'] as const;
export type LogFormat = (typeof LogFormats)[number];
export const LogLevels = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LogLevels)[number];

/**
 * Structured logs (pino). Pretty, synchronous lines for a person at a terminal; JSON lines for
 * machines and files. Synchronous so nothing is lost when the process exits right after a message.
 */
export function createLogger(format: LogFormat, level: LogLevel): Log {
  const destination =
    format === 'pretty'
      ? pretty({ sync: true, colorize: process.stdout.isTTY, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' })
      : pino.destination({ sync: true });
  return pino({ level, base: undefined }, destination);
}
