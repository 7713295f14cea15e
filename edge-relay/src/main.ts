/**
 * `coocenter-relay [run | check-config] --config api.conf`: start the edge
 * relay, or check its configuration. Only wiring and process concerns
 * (arguments, signals, exit codes, what reaches the terminal) live here.
 */

import { createLogger } from '../../protocol/src/log.js';
import { parseRelayArgs, UsageError, type RelayInvocation } from './cli/args.js';
import { EXIT, relayUsage } from './cli/usage.js';
import { ConfigError, loadConfig, type RelayConfig } from './config/config.js';
import { readEnvironment, type RelayEnvironment } from './config/env.js';
import { describeConfig } from './config/describe.js';
import { ListenError } from './http/lan-api.js';
import { resolveDataDir, startRelay } from './relay.js';
import { RELAY_PACKAGE_VERSION } from './version.js';

/** A message for the user, one line on stderr, then exit. */
class Exit extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function main(): Promise<void> {
  let invocation: RelayInvocation;
  try {
    invocation = parseRelayArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) throw new Exit(EXIT.usage.code, `${err.message}; see coocenter-relay --help`);
    throw err;
  }
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
    if (err instanceof ConfigError) throw new Exit(EXIT.usage.code, err.message);
    throw err;
  }
}

async function run(config: RelayConfig, env: RelayEnvironment): Promise<void> {
  const logger = createLogger({ level: env.logLevel, fields: { service: 'relay' } });
  let relay;
  try {
    relay = await startRelay(config, { logger, dataDir: env.dataDir });
  } catch (err) {
    if (err instanceof ListenError) throw new Exit(EXIT.failure.code, `${err.message} (${err.setting} in ${config.file})`);
    // A system error (data directory not writable, …) says enough in its message.
    if (err instanceof Error && 'syscall' in err) throw new Exit(EXIT.failure.code, err.message);
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

main().catch((err: unknown) => {
  if (err instanceof Exit) {
    process.stderr.write(`coocenter-relay: ${err.message}\n`);
    process.exit(err.status);
  }
  // Not an error we foresaw: the stack is what a bug report needs.
  process.stderr.write(`coocenter-relay: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(EXIT.failure.code);
});
