/**
 * The Lambda functions' settings, read from the environment in this one
 * place. Each function checks only what it uses (the stack gives each
 * function only what it needs), and a missing or malformed variable stops
 * the cold start with a message naming it: a Lambda init error is all an
 * operator sees, so it has to say what to fix.
 *
 *   every function   MAIN_TABLE, EVENTS_TABLE
 *   http             + RELAY_MANAGEMENT_ENDPOINT, RECORDINGS_BUCKET, SECRETS_KEY,
 *                      DELIVERY_QUEUE_URL, ORDERED_QUEUE_URL; ADMIN_TOKEN, COMMAND_TIMEOUT_MS optional
 *   relaySocket      + RELAY_MANAGEMENT_ENDPOINT; EVENT_RETENTION_DAYS optional
 *   outbox           + DELIVERY_QUEUE_URL, ORDERED_QUEUE_URL
 *   deliveries       + the four queue URLs, SECRETS_KEY
 *   optional anywhere: LOG_LEVEL; local and test runs only: DYNAMODB_ENDPOINT,
 *   SQS_ENDPOINT, S3_ENDPOINT, ALLOW_PRIVATE_WEBHOOKS
 */

import type { LogLevel } from '../../../protocol/src/log.js';

export type LambdaRole = 'http' | 'relaySocket' | 'outbox' | 'deliveries';

export type EnvName =
  | 'MAIN_TABLE'
  | 'EVENTS_TABLE'
  | 'DELIVERY_QUEUE_URL'
  | 'DELIVERY_DLQ_URL'
  | 'ORDERED_QUEUE_URL'
  | 'ORDERED_DLQ_URL'
  | 'RECORDINGS_BUCKET'
  | 'RELAY_MANAGEMENT_ENDPOINT'
  | 'SECRETS_KEY'
  | 'ADMIN_TOKEN'
  | 'COMMAND_TIMEOUT_MS'
  | 'EVENT_RETENTION_DAYS'
  | 'LOG_LEVEL'
  | 'DYNAMODB_ENDPOINT'
  | 'SQS_ENDPOINT'
  | 'S3_ENDPOINT'
  | 'ALLOW_PRIVATE_WEBHOOKS';

export const REQUIRED_ENV: Record<LambdaRole, readonly EnvName[]> = {
  http: ['MAIN_TABLE', 'EVENTS_TABLE', 'RELAY_MANAGEMENT_ENDPOINT', 'RECORDINGS_BUCKET', 'SECRETS_KEY', 'DELIVERY_QUEUE_URL', 'ORDERED_QUEUE_URL'],
  relaySocket: ['MAIN_TABLE', 'EVENTS_TABLE', 'RELAY_MANAGEMENT_ENDPOINT'],
  outbox: ['MAIN_TABLE', 'EVENTS_TABLE', 'DELIVERY_QUEUE_URL', 'ORDERED_QUEUE_URL'],
  deliveries: ['MAIN_TABLE', 'EVENTS_TABLE', 'DELIVERY_QUEUE_URL', 'DELIVERY_DLQ_URL', 'ORDERED_QUEUE_URL', 'ORDERED_DLQ_URL', 'SECRETS_KEY'],
};

export const DEFAULT_COMMAND_TIMEOUT_MS = 12_000;
/**
 * API Gateway's HTTP API gives up on an integration after 30 s (29 s for the
 * function): a command must time out early enough for our own 504 to arrive.
 */
export const MAX_COMMAND_TIMEOUT_MS = 27_000;

export interface LambdaConfig {
  mainTable: string;
  eventsTable: string;
  queues: { standard?: string; standardDlq?: string; fifo?: string; fifoDlq?: string };
  recordingsBucket?: string;
  /** https://{apiId}.execute-api.{region}.amazonaws.com/{stage} */
  relayManagementEndpoint?: string;
  /** base64 of 32 bytes. */
  secretsKey?: string;
  adminToken?: string;
  commandTimeoutMs: number;
  eventRetentionDays?: number;
  logLevel: LogLevel;
  /** Local and test runs: DynamoDB-, SQS- and S3-compatible servers instead of AWS's. */
  dynamoEndpoint?: string;
  sqsEndpoint?: string;
  s3Endpoint?: string;
  allowPrivateWebhooks: boolean;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** A setting a function needs, or a ConfigError naming its variable. */
export function must<T>(value: T | undefined, name: EnvName): T {
  if (value === undefined || value === '') throw new ConfigError(`${name} is not set`);
  return value;
}

type Env = Record<string, string | undefined>;

export function configFromEnv(role: LambdaRole, env: Env = process.env): LambdaConfig {
  const get = (name: EnvName): string | undefined => {
    const v = env[name]?.trim();
    return v ? v : undefined;
  };
  const missing = REQUIRED_ENV[role].filter((n) => get(n) === undefined);
  if (missing.length > 0) throw new ConfigError(`coocenter ${role} function: missing environment variable${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);

  const secretsKey = get('SECRETS_KEY');
  if (secretsKey !== undefined && Buffer.from(secretsKey, 'base64').length !== 32) throw new ConfigError('SECRETS_KEY must be base64 of exactly 32 bytes');
  for (const name of ['RELAY_MANAGEMENT_ENDPOINT', 'DYNAMODB_ENDPOINT', 'SQS_ENDPOINT', 'S3_ENDPOINT'] as const) {
    const v = get(name);
    if (v !== undefined && !/^https?:\/\/[^/]/.test(v)) throw new ConfigError(`${name} must be an http(s) URL (got ${JSON.stringify(v)})`);
  }

  const timeout = get('COMMAND_TIMEOUT_MS');
  let commandTimeoutMs = DEFAULT_COMMAND_TIMEOUT_MS;
  if (timeout !== undefined) {
    const n = Number(timeout);
    if (!Number.isInteger(n) || n < 100) throw new ConfigError(`COMMAND_TIMEOUT_MS must be a whole number of milliseconds, at least 100 (got ${JSON.stringify(timeout)})`);
    commandTimeoutMs = Math.min(n, MAX_COMMAND_TIMEOUT_MS);
  }
  const days = get('EVENT_RETENTION_DAYS');
  if (days !== undefined && !(Number.isInteger(Number(days)) && Number(days) >= 1)) {
    throw new ConfigError(`EVENT_RETENTION_DAYS must be a whole number of days, at least 1 (got ${JSON.stringify(days)})`);
  }
  const level = get('LOG_LEVEL') ?? 'info';
  if (!['debug', 'info', 'warn', 'error'].includes(level)) throw new ConfigError(`LOG_LEVEL must be debug, info, warn or error (got ${JSON.stringify(level)})`);

  return {
    mainTable: get('MAIN_TABLE')!,
    eventsTable: get('EVENTS_TABLE')!,
    queues: { standard: get('DELIVERY_QUEUE_URL'), standardDlq: get('DELIVERY_DLQ_URL'), fifo: get('ORDERED_QUEUE_URL'), fifoDlq: get('ORDERED_DLQ_URL') },
    recordingsBucket: get('RECORDINGS_BUCKET'),
    relayManagementEndpoint: get('RELAY_MANAGEMENT_ENDPOINT'),
    secretsKey,
    adminToken: get('ADMIN_TOKEN'),
    commandTimeoutMs,
    eventRetentionDays: days !== undefined ? Number(days) : undefined,
    logLevel: level as LogLevel,
    dynamoEndpoint: get('DYNAMODB_ENDPOINT'),
    sqsEndpoint: get('SQS_ENDPOINT'),
    s3Endpoint: get('S3_ENDPOINT'),
    allowPrivateWebhooks: ['1', 'true'].includes(get('ALLOW_PRIVATE_WEBHOOKS') ?? ''),
  };
}

/** The queue URLs as the delivery code wants them; a dead-letter queue a function never uses may be absent. */
export function queueUrls(config: LambdaConfig, withDeadLetters: boolean): { standard: string; standardDlq: string; fifo: string; fifoDlq: string } {
  const q = config.queues;
  const standard = must(q.standard, 'DELIVERY_QUEUE_URL');
  const fifo = must(q.fifo, 'ORDERED_QUEUE_URL');
  return {
    standard,
    fifo,
    standardDlq: withDeadLetters ? must(q.standardDlq, 'DELIVERY_DLQ_URL') : (q.standardDlq ?? ''),
    fifoDlq: withDeadLetters ? must(q.fifoDlq, 'ORDERED_DLQ_URL') : (q.fifoDlq ?? ''),
  };
}
