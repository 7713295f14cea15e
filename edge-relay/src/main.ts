/**
 * `coocenter-relay [run | check-config] --config api.conf`: start the edge
 * relay, or check its configuration. Only wiring and process concerns
 * (arguments, signals, exit codes, what reaches the terminal) live here.
 */

import { ExitError, runProgram } from '../../protocol/src/cli/program.js';
import { ListenError } from '../../protocol/src/listen.js';
import { createLogger } from '../../protocol/src/log.js';
import { parseRelayArgs } from './cli/args.js';
import { EXIT, relayUsage } from './cli/usage.js';
import { ConfigError, loadConfig, type RelayConfig } from './config/config.js';
import { describeConfig } from './config/describe.js';
import { readEnvironment, type RelayEnvironment } from './config/env.js';
import { resolveDataDir, startRelay } from './relay.js';
import { RELAY_PACKAGE_VERSION } from './version.js';

async function main(): Promise<void> {
  const invocation = parseRelayArgs(process.argv.slice(2));
  switch (invocation.command) {
    case 'help':
      process.stdout.write(relayUsage());
      return;
    case 'version':
      process.stdout.write(`coocenter-relay ${RELAY_PACKAGE_VERSION}\n`);
      return;
    case 'check-config': {
      const config = readConfig(invocation.config);
      const env = readEnvironment();
      process.stdout.write(describeConfig(config, resolveDataDir(config, env.dataDir), env.dataDir !== undefined));
      return;
    }
    case 'run':
      return run(readConfig(invocation.config), readEnvironment());
  }
}

function readConfig(file: string): RelayConfig {
  try {
    return loadConfig(file);
  } catch (err) {
    if (err instanceof ConfigError) throw new ExitError(EXIT.usage.code, err.message);
    throw err;
  }
}

async function run(config: RelayConfig, env: RelayEnvironment): Promise<void> {
  const logger = createLogger({ level: env.logLevel, format: env.logFormat, fields: { service: 'relay' } });
  let relay;
  try {
    relay = await startRelay(config, { logger, dataDir: env.dataDir });
  } catch (err) {
    if (err instanceof ListenError) throw new ExitError(EXIT.failure.code, `${err.message} (${err.setting ?? '[general] BINDADDR, BINDPORT'} in ${config.file})`);
    // A system error (data directory not writable, …) says enough in its message.
    if (err instanceof Error && 'syscall' in err) throw new ExitError(EXIT.failure.code, err.message);
    throw err;
  }
  const stop = async (signal: string) => {
    logger.info('stopping', { signal });
    await relay.stop();
    process.exit(EXIT.ok.code);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

runProgram('coocenter-relay', EXIT, main);
