/**
 * Small pieces every Lambda function's set-up shares: its logger, and a
 * stand-in for the secret box in functions that are not given SECRETS_KEY.
 */

import { createLogger, type Logger } from '../../../../protocol/src/log.js';
import { SecretBox } from '../../store/secrets.js';
import { ConfigError, type LambdaConfig } from '../config.js';

export function lambdaLogger(config: LambdaConfig, fn: string): Logger {
  return createLogger({ level: config.logLevel, fields: { service: 'cloud', fn } });
}

/**
 * The stores take a SecretBox, but some functions never seal or open a
 * secret (the relay socket authenticates by hash; the outbox only lists
 * endpoints). They get this one, which says what is missing if it is ever
 * used, instead of the key itself.
 */
class NoSecretsBox extends SecretBox {
  constructor() {
    super(Buffer.alloc(32));
  }
  override seal(): string {
    throw new ConfigError('SECRETS_KEY is not set for this function');
  }
  override open(): string {
    throw new ConfigError('SECRETS_KEY is not set for this function');
  }
}

export function secretBox(config: LambdaConfig): SecretBox {
  return config.secretsKey ? SecretBox.fromBase64(config.secretsKey) : new NoSecretsBox();
}

/** What API Gateway and the Lambda runtime pass as `context` (only what we use). */
export interface InvocationContext {
  getRemainingTimeInMillis?(): number;
}
