/**
 * Structured logs, one record per line: JSON (the default, for journald,
 * CloudWatch and log shippers) or `pretty` (for a person at a terminal).
 *
 * Library code never writes to the console directly: it receives a Logger and
 * adds its own context (site, request id, component) with `child()`. Entry
 * points decide where lines go (stderr by default), at which level and in
 * which format, from their own configuration: this module reads no
 * environment.
 */

import { isExpectedError, serialiseError } from './log-error.js';
import { prettyLine } from './log-pretty.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'json' | 'pretty';

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const FORMATS: readonly LogFormat[] = ['json', 'pretty'];

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  /** Default info. Entry points read it from their configuration (LOG_LEVEL). */
  level?: LogLevel;
  /** Default json. Entry points read it from their configuration (LOG_FORMAT). */
  format?: LogFormat;
  /** Where a finished line goes; defaults to process.stderr. */
  write?: (line: string) => void;
  /** Injected clock, so tests get stable timestamps. */
  now?: () => number;
  fields?: LogFields;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = LEVELS[options.level ?? 'info'];
  const stacks = threshold <= LEVELS.debug;
  const format = options.format === 'pretty' ? prettyLine : (record: Record<string, unknown>) => JSON.stringify(record);
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const now = options.now ?? Date.now;
  const base = options.fields ?? {};

  const make = (context: LogFields): Logger => {
    const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
      if (LEVELS[level] < threshold) return;
      const record: Record<string, unknown> = { time: new Date(now()).toISOString(), level, msg, ...context };
      if (fields) for (const [k, v] of Object.entries(fields)) record[k] = v instanceof Error ? serialiseError(v, stacks || !isExpectedError(v)) : v;
      write(format(record));
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

export function parseFormat(value: string | undefined): LogFormat | undefined {
  return (FORMATS as readonly (string | undefined)[]).includes(value) ? (value as LogFormat) : undefined;
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
