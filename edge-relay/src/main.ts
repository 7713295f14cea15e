/**
 * `coocenter-relay --config api.conf`: start the edge relay. Only wiring and
 * process concerns (arguments, signals, exit codes) live here.
 */

import { parseArgs } from 'node:util';
import { createLogger } from '../../protocol/src/log.js';
import { ConfigError, loadConfig } from './config/config.js';
import { readEnvironment } from './config/env.js';
import { startRelay } from './relay.js';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    process.stdout.write('usage: coocenter-relay --config /etc/coocenter/api.conf\n');
    return;
  }
  const file = values.config ?? 'api.conf';
  let config;
  try {
    config = loadConfig(file);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`coocenter-relay: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const env = readEnvironment();
  const logger = createLogger({ level: env.logLevel, fields: { service: 'relay' } });
  const relay = await startRelay(config, { logger, dataDir: env.dataDir });
  const stop = async (signal: string) => {
    logger.info('stopping', { signal });
    await relay.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  process.stderr.write(`coocenter-relay: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
