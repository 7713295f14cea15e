/**
 * A real logger (protocol/src/log.ts) whose lines are kept, parsed, so a test
 * can wait for what the code logs (a state change, a give-up) instead of
 * sleeping.
 */
import { createLogger, type Logger, type LogLevel } from '../../protocol/src/log.js';
import { waitFor } from './wait.js';

export interface LogLine {
  level: LogLevel;
  msg: string;
  [field: string]: unknown;
}

export interface CapturedLog {
  logger: Logger;
  lines: LogLine[];
  /** The messages logged so far, in order. */
  messages(): string[];
  /** Resolves with the first line whose message matches (now or later). */
  waitFor(msg: string | RegExp, what?: string): Promise<LogLine>;
}

export function captureLog(level: LogLevel = 'debug'): CapturedLog {
  const lines: LogLine[] = [];
  const logger = createLogger({ level, write: (line) => lines.push(JSON.parse(line) as LogLine) });
  const matches = (msg: string | RegExp) => (l: LogLine) => (typeof msg === 'string' ? l.msg === msg : msg.test(l.msg));
  return {
    logger,
    lines,
    messages: () => lines.map((l) => l.msg),
    waitFor: (msg, what) => waitFor(() => lines.find(matches(msg)), { what: what ?? `log line ${String(msg)}` }),
  };
}
