/**
 * The relay's settings that come from the environment rather than api.conf.
 * This is the only place the relay reads them; the entry point passes them on.
 *
 * - `DATA_DIR`: the data directory, winning over `[general] data_dir`.
 * - `LOG_LEVEL`: debug, info, warn or error (anything else: info).
 * - `LOG_FORMAT`: json or pretty (anything else: json).
 */

import { parseFormat, parseLevel, type LogFormat, type LogLevel } from '../../../protocol/src/log.js';

export interface RelayEnvironment {
  dataDir?: string;
  logLevel: LogLevel;
  logFormat: LogFormat;
}

export function readEnvironment(env: NodeJS.ProcessEnv = process.env): RelayEnvironment {
  return { dataDir: env.DATA_DIR, logLevel: parseLevel(env.LOG_LEVEL) ?? 'info', logFormat: parseFormat(env.LOG_FORMAT) ?? 'json' };
}
