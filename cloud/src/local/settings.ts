/**
 * The local server's settings (README "Running it locally"), read with the
 * cloud's one settings parser (settings.ts): the same checks and messages as
 * the Lambda functions', with the local server's defaults.
 */

import { join } from 'node:path';
import type { LogFormat, LogLevel } from '../../../protocol/src/log.js';
import { DEFAULT_COMMAND_TIMEOUT_MS, readEnv, type Env, type EnvName, type Overrides } from '../settings.js';
import { DEFAULT_TABLE_PREFIX } from '../store/dynamo.js';

/** Every variable the local server reads, with what `--help` says of it (README "Running it locally" has the same). */
export const LOCAL_ENV = [
  { name: 'PORT', help: 'port to listen on (default 8787; 0: any free port)' },
  { name: 'HOST', help: 'address to listen on (default 127.0.0.1); relays connect to ws://HOST:PORT/relay' },
  { name: 'ADMIN_TOKEN', help: "the operator's token for POST /v1/tenants (unset: disabled)" },
  { name: 'METRICS_TOKEN', help: 'GET /metrics wants Authorization: Bearer METRICS_TOKEN (unset: /metrics is open)' },
  { name: 'DATA_DIR', help: "the embedded database's files and the key sealing WEBKEYs (default ./.data/cloud)" },
  { name: 'DYNAMODB_ENDPOINT', help: 'a DynamoDB-compatible server to use instead of the embedded one' },
  { name: 'USE_AWS', help: "1 or true: AWS's DynamoDB (region and credentials from the environment)" },
  { name: 'TABLE_PREFIX', help: 'tables <prefix>-main and <prefix>-events (default coocenter)' },
  { name: 'SECRETS_KEY', help: 'base64 32-byte key sealing site WEBKEYs (default: generated in DATA_DIR)' },
  { name: 'COMMAND_TIMEOUT_MS', help: 'how long an API request waits for the relay, then 504 (default 12000)' },
  { name: 'SQS_ENDPOINT', help: 'an SQS-compatible server to use instead of the embedded fauxqs' },
  { name: 'ALLOW_PRIVATE_WEBHOOKS', help: '1 or true: webhook URLs may point at loopback/private addresses (local use only)' },
  { name: 'EVENT_RETENTION_DAYS', help: 'days raw call events are kept (default 30)' },
  { name: 'LOG_LEVEL', help: 'debug, info (default), warn or error; logs go to stderr' },
  { name: 'LOG_FORMAT', help: 'json (default: one JSON object a line) or pretty (time, level, component, message, key=value)' },
] as const satisfies ReadonlyArray<{ name: EnvName; help: string }>;

export interface LocalSettings {
  port: number;
  host: string;
  dataDir: string;
  adminToken?: string;
  /** GET /metrics wants it as a bearer token; unset: /metrics is open. */
  metricsToken?: string;
  dynamoEndpoint?: string;
  useAws: boolean;
  tablePrefix: string;
  secretsKey?: string;
  commandTimeoutMs: number;
  sqsEndpoint?: string;
  allowPrivateWebhooks: boolean;
  eventRetentionDays?: number;
  logLevel: LogLevel;
  logFormat: LogFormat;
}

/**
 * The local server's settings from the environment, and from the command line
 * (`overrides`, which win); throws a ConfigError naming a malformed value.
 */
export function localSettings(env: Env = process.env, cwd = process.cwd(), overrides: Overrides = {}): LocalSettings {
  const v = readEnv(
    env,
    LOCAL_ENV.map((e) => e.name),
    overrides,
  );
  return {
    port: v.PORT ?? 8787,
    host: v.HOST ?? '127.0.0.1',
    dataDir: v.DATA_DIR ?? join(cwd, '.data', 'cloud'),
    adminToken: v.ADMIN_TOKEN,
    metricsToken: v.METRICS_TOKEN,
    dynamoEndpoint: v.DYNAMODB_ENDPOINT,
    useAws: v.USE_AWS ?? false,
    tablePrefix: v.TABLE_PREFIX ?? DEFAULT_TABLE_PREFIX,
    secretsKey: v.SECRETS_KEY,
    commandTimeoutMs: v.COMMAND_TIMEOUT_MS ?? DEFAULT_COMMAND_TIMEOUT_MS,
    sqsEndpoint: v.SQS_ENDPOINT,
    allowPrivateWebhooks: v.ALLOW_PRIVATE_WEBHOOKS ?? false,
    eventRetentionDays: v.EVENT_RETENTION_DAYS,
    logLevel: v.LOG_LEVEL ?? 'info',
    logFormat: v.LOG_FORMAT ?? 'json',
  };
}
