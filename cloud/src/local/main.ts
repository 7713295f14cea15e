/**
 * `coocenter-cloud`: the cloud as one local process. Configuration from the
 * environment (see README and local/settings.ts): PORT, HOST, ADMIN_TOKEN,
 * DATA_DIR, DYNAMODB_ENDPOINT, SQS_ENDPOINT, USE_AWS, TABLE_PREFIX,
 * SECRETS_KEY, COMMAND_TIMEOUT_MS, ALLOW_PRIVATE_WEBHOOKS,
 * EVENT_RETENTION_DAYS, LOG_LEVEL.
 */

import { fileURLToPath } from 'node:url';
import { LogField } from '../../../protocol/src/log-fields.js';
import { createLogger } from '../../../protocol/src/log.js';
import { ConfigError } from '../settings.js';
import { startLocalCloud } from './server.js';
import { localSettings, type LocalSettings } from './settings.js';

// We run on Node 20 on purpose (issue: Node 20 everywhere, Lambda nodejs20.x);
// the SDK's advisory about future versions would only be noise in every log.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(): Promise<void> {
  let settings: LocalSettings;
  try {
    settings = localSettings();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`coocenter-cloud: ${err.message}\n`);
    process.exit(2);
  }
  const logger = createLogger({ level: settings.logLevel, fields: { [LogField.service]: 'cloud' } });
  if (!settings.adminToken) logger.warn('ADMIN_TOKEN is not set: POST /v1/tenants is disabled');
  // This file runs compiled (dist/cloud/src/local/main.js); the build writes the console to dist/console.
  const consoleDir = fileURLToPath(new URL('../../../console/', import.meta.url));
  const cloud = await startLocalCloud({ ...settings, consoleDir, logger });
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
