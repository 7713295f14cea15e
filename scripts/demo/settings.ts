/**
 * What `npm start` reads from the environment, checked before anything
 * starts: the five ports it needs, where its data goes, and how it logs.
 */

import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError, readEnv, type Env } from '../../cloud/src/settings.js';
import type { LogFormat, LogLevel } from '../../protocol/src/log.js';

export interface DemoPort {
  /** The variable that moves it. */
  variable: 'PORT' | 'AMI_PORT' | 'LAN_PORT' | 'WEBHOOK_PORT' | 'METRICS_PORT';
  port: number;
  /** What listens there, in a few words. */
  what: string;
}

export interface DemoSettings {
  dataDir: string;
  cloud: DemoPort;
  ami: DemoPort;
  lan: DemoPort;
  webhooks: DemoPort;
  metrics: DemoPort;
  adminToken?: string;
  logLevel: LogLevel;
  logFormat: LogFormat;
}

function port(env: Env, variable: DemoPort['variable'], fallback: number, what: string): DemoPort {
  const raw = env[variable]?.trim();
  if (!raw) return { variable, port: fallback, what };
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new ConfigError(`${variable} must be a whole number from 1 to 65535 (got ${JSON.stringify(raw)})`);
  return { variable, port: n, what };
}

/** Throws a ConfigError naming a malformed variable. */
export function demoSettings(env: Env, root: string): DemoSettings {
  const dir = env.DATA_DIR?.trim();
  // Logs are for a person at a terminal here: warnings only, human-readable.
  const log = readEnv(env, ['LOG_LEVEL', 'LOG_FORMAT', 'ADMIN_TOKEN']);
  return {
    dataDir: dir ? (isAbsolute(dir) ? dir : resolve(dir)) : join(root, '.data'),
    cloud: port(env, 'PORT', 8787, 'the local cloud'),
    ami: port(env, 'AMI_PORT', 5038, "the simulated PBX's AMI"),
    lan: port(env, 'LAN_PORT', 8000, "the relay's box API"),
    webhooks: port(env, 'WEBHOOK_PORT', 8788, "the demo's webhook receiver"),
    metrics: port(env, 'METRICS_PORT', 9464, "the relay's health and metrics"),
    adminToken: log.ADMIN_TOKEN,
    logLevel: log.LOG_LEVEL ?? 'warn',
    logFormat: log.LOG_FORMAT ?? 'pretty',
  };
}

export const demoPorts = (s: DemoSettings): DemoPort[] => [s.cloud, s.ami, s.lan, s.webhooks, s.metrics];
