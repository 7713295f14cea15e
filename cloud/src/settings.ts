/**
 * The cloud's settings, read from the environment in this one place for both
 * runtimes: every variable is declared once, with how it is checked and what
 * it becomes. The local server (local/settings.ts) and the Lambda functions
 * (lambda/config.ts) each take the ones they use; a malformed value stops
 * start-up with a ConfigError naming the variable, since an init error (a
 * Lambda cold start, a service that will not start) is all an operator sees.
 *
 * A variable that is unset, empty or blank counts as not given.
 */

import { parseFormat, parseLevel, type LogFormat, type LogLevel } from '../../protocol/src/log.js';

export class ConfigError extends Error {
  constructor(
    message: string,
    /** The environment variable to fix, when one alone is to blame (the message names them all). */
    readonly variable?: EnvName,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Check and convert one value; `name` is the variable, `label` how the user gave it (`PORT`, or `--port`). */
type Parse<T> = (value: string, name: EnvName, label: string) => T;

const text: Parse<string> = (v) => v;

/** `1` or `true` turn a switch on; anything else leaves it off. */
const flag: Parse<boolean> = (v) => v === '1' || v === 'true';

const wsUrl: Parse<string> = (v, name, label) => {
  if (!/^wss?:\/\/[^/]/.test(v) || v.includes('?') || v.includes('#')) throw new ConfigError(`${label} must be a ws(s) URL without a query (got ${JSON.stringify(v)})`, name);
  return v;
};

const httpUrl: Parse<string> = (v, name, label) => {
  if (!/^https?:\/\/[^/]/.test(v)) throw new ConfigError(`${label} must be an http(s) URL (got ${JSON.stringify(v)})`, name);
  return v;
};

function wholeNumber(min: number, max: number, what: string): Parse<number> {
  return (v, name, label) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${label} must be ${what} (got ${JSON.stringify(v)})`, name);
    return n;
  };
}

const secretsKey: Parse<string> = (v, name, label) => {
  if (Buffer.from(v, 'base64').length !== 32) throw new ConfigError(`${label} must be base64 of exactly 32 bytes`, name);
  return v;
};

const logLevel: Parse<LogLevel> = (v, name, label) => {
  const level = parseLevel(v);
  if (!level) throw new ConfigError(`${label} must be debug, info, warn or error (got ${JSON.stringify(v)})`, name);
  return level;
};

const logFormat: Parse<LogFormat> = (v, name, label) => {
  const format = parseFormat(v);
  if (!format) throw new ConfigError(`${label} must be json or pretty (got ${JSON.stringify(v)})`, name);
  return format;
};

/** Every variable the cloud reads (README "The cloud", docs/deploy.md). */
const VARIABLES = {
  // Where the data is.
  MAIN_TABLE: text,
  EVENTS_TABLE: text,
  TABLE_PREFIX: text,
  DELIVERY_QUEUE_URL: text,
  DELIVERY_DLQ_URL: text,
  ORDERED_QUEUE_URL: text,
  ORDERED_DLQ_URL: text,
  RECORDINGS_BUCKET: text,
  RELAY_MANAGEMENT_ENDPOINT: httpUrl,
  STREAM_MANAGEMENT_ENDPOINT: httpUrl,
  // Where browsers open the event stream when it is not this API's /v1/stream (AWS: the stream's own API).
  STREAM_URL: wsUrl,
  STREAM_RESUME_FUNCTION: text,
  DATA_DIR: text,
  // Secrets.
  SECRETS_KEY: secretsKey,
  ADMIN_TOKEN: text,
  METRICS_TOKEN: text,
  // Behaviour.
  COMMAND_TIMEOUT_MS: wholeNumber(100, Number.MAX_SAFE_INTEGER, 'a whole number of milliseconds, at least 100'),
  EVENT_RETENTION_DAYS: wholeNumber(1, Number.MAX_SAFE_INTEGER, 'a whole number of days, at least 1'),
  LOG_LEVEL: logLevel,
  LOG_FORMAT: logFormat,
  // The local server.
  PORT: wholeNumber(0, 65535, 'a whole number from 0 to 65535'),
  HOST: text,
  USE_AWS: flag,
  // Local and test runs: compatible servers instead of AWS's, and private webhook targets.
  DYNAMODB_ENDPOINT: httpUrl,
  SQS_ENDPOINT: httpUrl,
  S3_ENDPOINT: httpUrl,
  LAMBDA_ENDPOINT: httpUrl,
  ALLOW_PRIVATE_WEBHOOKS: flag,
} satisfies Record<string, Parse<unknown>>;

export type EnvName = keyof typeof VARIABLES;

/** The variables that were given, checked and converted. */
export type EnvValues = { [K in EnvName]?: ReturnType<(typeof VARIABLES)[K]> };

export type Env = Record<string, string | undefined>;

/** A variable's raw value, or undefined when it is unset or blank. */
export function given(env: Env, name: EnvName): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

/**
 * Values given another way than the environment (the local server's command
 * line: `--port` for PORT), winning over it; `from` is how the user wrote it,
 * so an error names what to fix.
 */
export type Overrides = Partial<Record<EnvName, { value: string; from: string }>>;

/** Check and convert the variables of `names` that were given (the first malformed one throws). */
export function readEnv(env: Env, names: readonly EnvName[], overrides: Overrides = {}): EnvValues {
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const override = overrides[name];
    const raw = override ? override.value.trim() || undefined : given(env, name);
    if (raw !== undefined) out[name] = (VARIABLES[name] as Parse<unknown>)(raw, name, override?.from ?? name);
  }
  return out as EnvValues;
}

/** How long an API request waits for the relay by default (then 504). */
export const DEFAULT_COMMAND_TIMEOUT_MS = 12_000;
