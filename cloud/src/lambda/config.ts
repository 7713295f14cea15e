/**
 * The Lambda functions' settings: which variables each function needs, read
 * with the cloud's one settings parser (settings.ts). Each function checks
 * only what it uses (the stack gives each function only what it needs), and
 * a missing or malformed variable stops the cold start with a message naming
 * it: a Lambda init error is all an operator sees, so it has to say what to fix.
 *
 *   every function   MAIN_TABLE, EVENTS_TABLE
 *   http             + RELAY_MANAGEMENT_ENDPOINT, RECORDINGS_BUCKET, SECRETS_KEY,
 *                      DELIVERY_QUEUE_URL, ORDERED_QUEUE_URL; ADMIN_TOKEN, COMMAND_TIMEOUT_MS,
 *                      STREAM_URL optional (without it a stream ticket's url is /v1/stream)
 *   relaySocket      + RELAY_MANAGEMENT_ENDPOINT; EVENT_RETENTION_DAYS optional;
 *                      STREAM_MANAGEMENT_ENDPOINT optional (live state changes to stream clients)
 *   streamSocket     the tables; STREAM_RESUME_FUNCTION ($connect: the function to invoke
 *                      for `after` and `state`), STREAM_MANAGEMENT_ENDPOINT (the resume) optional
 *   outbox           + DELIVERY_QUEUE_URL, ORDERED_QUEUE_URL; STREAM_MANAGEMENT_ENDPOINT
 *                      optional (without it the outbox fans out to no stream)
 *   deliveries       + the four queue URLs, SECRETS_KEY
 *   optional anywhere: LOG_LEVEL; local and test runs only: DYNAMODB_ENDPOINT,
 *   SQS_ENDPOINT, S3_ENDPOINT, LAMBDA_ENDPOINT, ALLOW_PRIVATE_WEBHOOKS
 */

import type { LogLevel } from '../../../protocol/src/log.js';
import { ConfigError, DEFAULT_COMMAND_TIMEOUT_MS, given, readEnv, type Env, type EnvName } from '../settings.js';

export { ConfigError, DEFAULT_COMMAND_TIMEOUT_MS, type EnvName };

export type LambdaRole = 'http' | 'relaySocket' | 'streamSocket' | 'outbox' | 'deliveries';

export const REQUIRED_ENV: Record<LambdaRole, readonly EnvName[]> = {
  http: ['MAIN_TABLE', 'EVENTS_TABLE', 'RELAY_MANAGEMENT_ENDPOINT', 'RECORDINGS_BUCKET', 'SECRETS_KEY', 'DELIVERY_QUEUE_URL', 'ORDERED_QUEUE_URL'],
  relaySocket: ['MAIN_TABLE', 'EVENTS_TABLE', 'RELAY_MANAGEMENT_ENDPOINT'],
  streamSocket: ['MAIN_TABLE', 'EVENTS_TABLE'],
  outbox: ['MAIN_TABLE', 'EVENTS_TABLE', 'DELIVERY_QUEUE_URL', 'ORDERED_QUEUE_URL'],
  deliveries: ['MAIN_TABLE', 'EVENTS_TABLE', 'DELIVERY_QUEUE_URL', 'DELIVERY_DLQ_URL', 'ORDERED_QUEUE_URL', 'ORDERED_DLQ_URL', 'SECRETS_KEY'],
};

/** What a deployed function may also be given (the stack sets these; each has a default). */
export const OPTIONAL_ENV: Record<LambdaRole, readonly EnvName[]> = {
  http: ['ADMIN_TOKEN', 'COMMAND_TIMEOUT_MS', 'STREAM_URL', 'LOG_LEVEL'],
  relaySocket: ['EVENT_RETENTION_DAYS', 'STREAM_MANAGEMENT_ENDPOINT', 'LOG_LEVEL'],
  streamSocket: ['STREAM_RESUME_FUNCTION', 'STREAM_MANAGEMENT_ENDPOINT', 'LOG_LEVEL'],
  outbox: ['STREAM_MANAGEMENT_ENDPOINT', 'LOG_LEVEL'],
  deliveries: ['LOG_LEVEL'],
};

/** Read by every function in local and test runs only; a deployment never sets them. */
export const LOCAL_ONLY_ENV: readonly EnvName[] = ['DYNAMODB_ENDPOINT', 'SQS_ENDPOINT', 'S3_ENDPOINT', 'LAMBDA_ENDPOINT', 'ALLOW_PRIVATE_WEBHOOKS'];

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
  /** The event stream's API: https://{apiId}.execute-api.{region}.amazonaws.com/{stage} */
  streamManagementEndpoint?: string;
  /** Where clients open the event stream: wss://{apiId}.execute-api.{region}.amazonaws.com/{stage} (the stream tickets' url). */
  streamUrl?: string;
  /** The function the stream's $connect invokes to resume a connection (`after`, `state`). */
  streamResumeFunction?: string;
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
  /** A Lambda-compatible Invoke API (the tests' stand-in). */
  lambdaEndpoint?: string;
  allowPrivateWebhooks: boolean;
}

/** A setting a function needs, or a ConfigError naming its variable. */
export function must<T>(value: T | undefined, name: EnvName): T {
  if (value === undefined || value === '') throw new ConfigError(`${name} is not set`, name);
  return value;
}

export function configFromEnv(role: LambdaRole, env: Env = process.env): LambdaConfig {
  const missing = REQUIRED_ENV[role].filter((n) => given(env, n) === undefined);
  if (missing.length > 0) {
    throw new ConfigError(`coocenter ${role} function: missing environment variable${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`, missing.length === 1 ? missing[0] : undefined);
  }
  // Only what this function uses: a variable meant for another one is not its business.
  const v = readEnv(env, [...REQUIRED_ENV[role], ...OPTIONAL_ENV[role], ...LOCAL_ONLY_ENV]);
  return {
    mainTable: v.MAIN_TABLE!,
    eventsTable: v.EVENTS_TABLE!,
    queues: { standard: v.DELIVERY_QUEUE_URL, standardDlq: v.DELIVERY_DLQ_URL, fifo: v.ORDERED_QUEUE_URL, fifoDlq: v.ORDERED_DLQ_URL },
    recordingsBucket: v.RECORDINGS_BUCKET,
    relayManagementEndpoint: v.RELAY_MANAGEMENT_ENDPOINT,
    streamManagementEndpoint: v.STREAM_MANAGEMENT_ENDPOINT,
    streamUrl: v.STREAM_URL,
    streamResumeFunction: v.STREAM_RESUME_FUNCTION,
    secretsKey: v.SECRETS_KEY,
    adminToken: v.ADMIN_TOKEN,
    commandTimeoutMs: Math.min(v.COMMAND_TIMEOUT_MS ?? DEFAULT_COMMAND_TIMEOUT_MS, MAX_COMMAND_TIMEOUT_MS),
    eventRetentionDays: v.EVENT_RETENTION_DAYS,
    logLevel: v.LOG_LEVEL ?? 'info',
    dynamoEndpoint: v.DYNAMODB_ENDPOINT,
    sqsEndpoint: v.SQS_ENDPOINT,
    s3Endpoint: v.S3_ENDPOINT,
    lambdaEndpoint: v.LAMBDA_ENDPOINT,
    allowPrivateWebhooks: v.ALLOW_PRIVATE_WEBHOOKS ?? false,
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
