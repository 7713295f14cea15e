/**
 * `coocenter-cloud [--port PORT] [--host ADDRESS] [--data-dir DIR]`: the
 * cloud as one local process. Settings come from the environment and the
 * command line (cli.ts), read by the cloud's one settings parser
 * (local/settings.ts). Only wiring and process concerns (arguments, signals,
 * exit codes, what reaches the terminal) live here.
 */

import { fileURLToPath } from 'node:url';
import { ExitError, runProgram } from '../../../protocol/src/cli/program.js';
import { ListenError } from '../../../protocol/src/listen.js';
import { LogField } from '../../../protocol/src/log-fields.js';
import { createLogger } from '../../../protocol/src/log.js';
import { packageVersion } from '../../../protocol/src/package-version.js';
import { ConfigError } from '../settings.js';
import { cloudUsage, EXIT, parseCloudArgs } from './cli.js';
import { DynamoDbLocalError } from './dynamodb-local.js';
import { localSettings, type LocalSettings } from './settings.js';

// We run on Node 20 on purpose (issue: Node 20 everywhere, Lambda nodejs20.x);
// the SDK's advisory about future versions would only be noise in every log.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(): Promise<void> {
  const invocation = parseCloudArgs(process.argv.slice(2));
  if (invocation.command === 'help') return void process.stdout.write(cloudUsage());
  if (invocation.command === 'version') return void process.stdout.write(`coocenter-cloud ${packageVersion(import.meta.url)}\n`);
  let settings: LocalSettings;
  try {
    settings = localSettings(process.env, process.cwd(), invocation.overrides);
  } catch (err) {
    if (err instanceof ConfigError) throw new ExitError(EXIT.usage.code, err.message);
    throw err;
  }
  const logger = createLogger({ level: settings.logLevel, format: settings.logFormat, fields: { [LogField.service]: 'cloud' } });
  // Loaded only to run: --help and a wrong command line answer without the AWS SDK.
  const { startLocalCloud } = await import('./server.js');
  // This file runs compiled (dist/cloud/src/local/main.js); the build writes the console to dist/console.
  const consoleDir = fileURLToPath(new URL('../../../console/', import.meta.url));
  let cloud;
  try {
    cloud = await startLocalCloud({ ...settings, consoleDir, logger, progress: (step) => logger.info(step) });
  } catch (err) {
    if (err instanceof ListenError) throw new ExitError(EXIT.failure.code, `${err.message} (--port/PORT, --host/HOST)`);
    if (err instanceof DynamoDbLocalError) throw new ExitError(EXIT.failure.code, err.message);
    throw err;
  }
  if (!settings.adminToken) logger.warn('ADMIN_TOKEN is not set: POST /v1/tenants is disabled');
  const stop = async (signal: string) => {
    logger.info('stopping', { signal });
    await cloud.stop();
    process.exit(EXIT.ok.code);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

runProgram('coocenter-cloud', EXIT, main);
