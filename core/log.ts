/** The logging surface rooms depend on (pino's method shape), so no room but host/ needs pino. */
export interface LogFn {
  (message: string): void;
  (fields: object, message?: string): void;
}

export interface Log {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  child(bindings: Record<string, unknown>): Log;
}

const noop: LogFn = () => {};

/** A logger that drops everything (tests and benchmarks that do not look at logs). */
export const silentLog: Log = { debug: noop, info: noop, warn: noop, error: noop, child: () => silentLog };
