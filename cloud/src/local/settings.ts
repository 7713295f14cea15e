/**
 * The local server's settings (README "Running it locally"), read with the
 * cloud's one settings parser (settings.ts): the same checks and messages as
 * the Lambda functions', with the local server's defaults.
 */

import { join } from 'node:path';
import type { LogLevel } from '../../../protocol/src/log.js';
import { DEFAULT_COMMAND_TIMEOUT_MS, readEnv, type Env, type EnvName } from '../settings.js';
import { DEFAULT_TABLE_PREFIX } from '../store/dynamo.js';

/** Every variable the local server reads. */
export const LOCAL_ENV: readonly EnvName[] = [
  'PORT',
  'HOST',
  'ADMIN_TOKEN',
  'DATA_DIR',
  'DYNAMODB_ENDPOINT',
  'USE_AWS',
  'TABLE_PREFIX',
  'SECRETS_KEY',
  'COMMAND_TIMEOUT_MS',
  'SQS_ENDPOINT',
  'ALLOW_PRIVATE_WEBHOOKS',
  'EVENT_RETENTION_DAYS',
  'LOG_LEVEL',
];

export interface LocalSettings {
  port: number;
  host: string;
  dataDir: string;
  adminToken?: string;
  dynamoEndpoint?: string;
  useAws: boolean;
  tablePrefix: string;
  secretsKey?: string;
  commandTimeoutMs: number;
  sqsEndpoint?: string;
  allowPrivateWebhooks: boolean;
  eventRetentionDays?: number;
  logLevel: LogLevel;
}

/** The local server's settings from the environment; throws a ConfigError naming a malformed variable. */
export function localSettings(env: Env = process.env, cwd = process.cwd()): LocalSettings {
  const v = readEnv(env, LOCAL_ENV);
  return {
    port: v.PORT ?? 8787,
    host: v.HOST ?? '127.0.0.1',
    dataDir: v.DATA_DIR ?? join(cwd, '.data', 'cloud'),
    adminToken: v.ADMIN_TOKEN,
    dynamoEndpoint: v.DYNAMODB_ENDPOINT,
    useAws: v.USE_AWS ?? false,
    tablePrefix: v.TABLE_PREFIX ?? DEFAULT_TABLE_PREFIX,
    secretsKey: v.SECRETS_KEY,
    commandTimeoutMs: v.COMMAND_TIMEOUT_MS ?? DEFAULT_COMMAND_TIMEOUT_MS,
    sqsEndpoint: v.SQS_ENDPOINT,
    allowPrivateWebhooks: v.ALLOW_PRIVATE_WEBHOOKS ?? false,
    eventRetentionDays: v.EVENT_RETENTION_DAYS,
    logLevel: v.LOG_LEVEL ?? 'info',
  };
}
