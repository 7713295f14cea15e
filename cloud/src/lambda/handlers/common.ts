/**
 * What every Lambda function's set-up shares: its logger, the secret box (a
 * stand-in in functions that are not given SECRETS_KEY), and the cloud's
 * parts built by the composition root from the function's settings.
 */

import { systemClock, type Clock } from '../../../../protocol/src/clock.js';
import { LogField } from '../../../../protocol/src/log-fields.js';
import { createLogger, type Logger } from '../../../../protocol/src/log.js';
import { dynamoClient, sqsClient } from '../../aws-clients.js';
import { cloudOf, type Cloud, type CloudOptions } from '../../compose.js';
import { SecretBox } from '../../store/secrets.js';
import { DeliveryQueue } from '../../webhooks/queue.js';
import { ConfigError, must, queueUrls, type LambdaConfig } from '../config.js';

export function lambdaLogger(config: LambdaConfig, fn: string): Logger {
  return createLogger({ level: config.logLevel, fields: { [LogField.service]: 'cloud', fn } });
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
    throw new ConfigError('SECRETS_KEY is not set for this function', 'SECRETS_KEY');
  }
  override open(): string {
    throw new ConfigError('SECRETS_KEY is not set for this function', 'SECRETS_KEY');
  }
}

/** What API Gateway and the Lambda runtime pass as `context` (only what we use). */
export interface InvocationContext {
  getRemainingTimeInMillis?(): number;
}

export interface LambdaCloudOptions extends Partial<Pick<CloudOptions, 'resolver' | 'deliveryTimeoutMs' | 'retrySchedule' | 'cacheAckMark' | 'liveGapWaitsMs' | 'outageTiming'>> {
  clock?: Clock;
  logger?: Logger;
}

/**
 * The cloud of one function. `secrets`: the function seals or opens secrets
 * (SECRETS_KEY is then required); `queue`: the delivery queues, for the
 * functions that enqueue or deliver webhooks (lambdaQueue).
 */
export function lambdaCloud(config: LambdaConfig, fn: string, needs: { secrets: boolean; queue?: DeliveryQueue }, options: LambdaCloudOptions = {}): Cloud {
  const box = needs.secrets ? SecretBox.fromBase64(must(config.secretsKey, 'SECRETS_KEY')) : config.secretsKey ? SecretBox.fromBase64(config.secretsKey) : new NoSecretsBox();
  return cloudOf(
    {
      db: dynamoClient({ endpoint: config.dynamoEndpoint }),
      tables: { main: config.mainTable, events: config.eventsTable },
      box,
      clock: options.clock ?? systemClock,
      logger: options.logger ?? lambdaLogger(config, fn),
      queue: needs.queue,
    },
    {
      adminToken: config.adminToken,
      commandTimeoutMs: config.commandTimeoutMs,
      streamUrl: config.streamUrl,
      eventRetentionDays: config.eventRetentionDays,
      allowPrivateWebhooks: config.allowPrivateWebhooks,
      cacheAckMark: options.cacheAckMark,
      resolver: options.resolver,
      deliveryTimeoutMs: options.deliveryTimeoutMs,
      retrySchedule: options.retrySchedule,
      liveGapWaitsMs: options.liveGapWaitsMs,
      outageTiming: options.outageTiming,
    },
  );
}

/** The delivery queues of a function that enqueues (`send`) or consumes and dead-letters (`consume`) deliveries. */
export function lambdaQueue(config: LambdaConfig, use: 'send' | 'consume'): DeliveryQueue {
  return new DeliveryQueue(sqsClient(config.sqsEndpoint), queueUrls(config, use === 'consume'));
}
