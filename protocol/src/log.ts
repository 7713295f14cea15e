/**
 * Structured JSON logs, one object per line.
 *
 * Library code never writes to the console directly: it receives a Logger and
 * adds its own context (site, request id, component) with `child()`. Entry
 * points decide where lines go (stderr by default) and at which level.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  /** Default info. Entry points read it from their configuration (LOG_LEVEL); this module reads no environment. */
  level?: LogLevel;
  /** Where a finished line goes; defaults to process.stderr. */
  write?: (line: string) => void;
  /** Injected clock, so tests get stable timestamps. */
  now?: () => number;
  fields?: LogFields;
}

/** Errors are not JSON-serialisable by default; keep what an operator needs. */
function serialise(value: unknown): unknown {
  if (value instanceof Error) {
    const out: Record<string, unknown> = { name: value.name, message: value.message };
    for (const key of ['code', 'recoverable', 'status'] as const) {
      const v = (value as unknown as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = v;
    }
    return out;
  }
  return value;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = LEVELS[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const now = options.now ?? Date.now;
  const base = options.fields ?? {};

  const make = (context: LogFields): Logger => {
    const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
      if (LEVELS[level] < threshold) return;
      const record: Record<string, unknown> = { time: new Date(now()).toISOString(), level, msg, ...context };
      if (fields) for (const [k, v] of Object.entries(fields)) record[k] = serialise(v);
      write(JSON.stringify(record));
    };
    return {
      debug: (m, f) => emit('debug', m, f),
      info: (m, f) => emit('info', m, f),
      warn: (m, f) => emit('warn', m, f),
      error: (m, f) => emit('error', m, f),
      child: (fields) => make({ ...context, ...fields }),
    };
  };
  return make(base);
}

export function parseLevel(value: string | undefined): LogLevel | undefined {
  return value && value in LEVELS ? (value as LogLevel) : undefined;
}

/** A logger that drops everything; handy default for library constructors. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};
