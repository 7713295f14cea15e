/** What `coocenter-relay --help` prints, derived from the tables it describes. */

import { usageText } from '../../../protocol/src/cli/usage.js';
import { RELAY_COMMANDS, RELAY_OPTIONS } from './args.js';

/** Exit codes, declared once for main.ts and the help text. */
export const EXIT = {
  ok: { code: 0, help: 'stopped by SIGINT/SIGTERM; --help, --version; check-config found the configuration valid' },
  failure: { code: 1, help: 'could not start or stopped on an error (e.g. the LAN port is taken, the data directory is not writable)' },
  usage: { code: 2, help: 'wrong command line or configuration (one line on stderr says what)' },
} as const;

export const RELAY_ENVIRONMENT = [
  { name: 'DATA_DIR', help: 'data directory (spool, cursors, wrap-ups); wins over [general] data_dir' },
  { name: 'LOG_LEVEL', help: 'debug, info (default), warn or error; logs go to stderr' },
  { name: 'LOG_FORMAT', help: 'json (default: one JSON object a line) or pretty (time, level, component, message, key=value)' },
  { name: 'TZ', help: "the host's time zone, used when [pbx] timezone is not set" },
  { name: 'NODE_OPTIONS', help: 'Node.js flags, also honoured by the single executable' },
] as const;

export function relayUsage(): string {
  return usageText({
    synopsis: ['coocenter-relay [run | check-config] [--config FILE]', 'coocenter-relay --help | --version'],
    about: ['The coocenter edge relay: one AMI session to Asterisk, one outbound connection', "to the cloud, and the old box's HTTP API and event pushes on the LAN."],
    commands: RELAY_COMMANDS,
    options: RELAY_OPTIONS,
    environment: RELAY_ENVIRONMENT,
    exitCodes: EXIT,
  });
}
