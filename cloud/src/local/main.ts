/**
 * `coocenter-cloud`: the cloud as one local process. Configuration from the
 * environment (see README): PORT, HOST, ADMIN_TOKEN, DATA_DIR,
 * DYNAMODB_ENDPOINT, SQS_ENDPOINT, USE_AWS, TABLE_PREFIX, SECRETS_KEY,
 * COMMAND_TIMEOUT_MS, ALLOW_PRIVATE_WEBHOOKS, EVENT_RETENTION_DAYS, LOG_LEVEL.
 */

import { join } from 'node:path';
import { createLogger, parseLevel } from '../../../protocol/src/log.js';
import { startLocalCloud } from './server.js';

// We run on Node 20 on purpose (issue: Node 20 everywhere, Lambda nodejs20.x);
// the SDK's advisory about future versions would only be noise in every log.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(): Promise<void> {
  const env = process.env;
  const logger = createLogger({ level: parseLevel(env.LOG_LEVEL), fields: { service: 'cloud' } });
  const port = env.PORT ? Number(env.PORT) : 8787;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`coocenter-cloud: PORT must be a whole number from 0 to 65535 (got ${JSON.stringify(env.PORT)})\n`);
    process.exit(2);
  }
  if (!env.ADMIN_TOKEN) logger.warn('ADMIN_TOKEN is not set: POST /v1/tenants is disabled');
  const cloud = await startLocalCloud({
    port,
    host: env.HOST ?? '127.0.0.1',
    dataDir: env.DATA_DIR ?? join(process.cwd(), '.data', 'cloud'),
    adminToken: env.ADMIN_TOKEN,
    dynamoEndpoint: env.DYNAMODB_ENDPOINT,
    useAws: env.USE_AWS === '1',
    tablePrefix: env.TABLE_PREFIX,
    secretsKey: env.SECRETS_KEY,
    commandTimeoutMs: env.COMMAND_TIMEOUT_MS ? Number(env.COMMAND_TIMEOUT_MS) : undefined,
    sqsEndpoint: env.SQS_ENDPOINT,
    allowPrivateWebhooks: env.ALLOW_PRIVATE_WEBHOOKS === '1',
    eventRetentionDays: env.EVENT_RETENTION_DAYS ? Number(env.EVENT_RETENTION_DAYS) : undefined,
    logger,
  });
  const stop = async (signal: string) => {
    logger.info('stopping', { signal });
    await cloud.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  process.stderr.write(`coocenter-cloud: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
