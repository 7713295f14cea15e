/** What `coocenter-relay --help` prints, derived from the tables it describes. */

import { RELAY_COMMANDS, RELAY_OPTIONS } from './args.js';

/** Exit codes, declared once for main.ts and the help text. */
export const EXIT = {
  ok: { code: 0, help: 'stopped by SIGINT/SIGTERM; --help, --version; check-config found the configuration valid' },
  failure: { code: 1, help: 'could not start or stopped on an error (e.g. the LAN port is taken, the data directory is not writable)' },
  usage: { code: 2, help: 'wrong command line or configuration (one line on stderr says what)' },
} as const;

export const RELAY_ENVIRONMENT = [
  { name: 'DATA_DIR', help: 'data directory (spool, cursors, wrap-ups); wins over [general] data_dir' },
  { name: 'LOG_LEVEL', help: 'debug, info (default), warn or error; logs are JSON lines on stderr' },
  { name: 'TZ', help: "the host's time zone, used when [pbx] timezone is not set" },
  { name: 'NODE_OPTIONS', help: 'Node.js flags, also honoured by the single executable' },
] as const;

export function relayUsage(): string {
  const column = (rows: Array<[string, string]>) => {
    const width = Math.max(...rows.map(([left]) => left.length)) + 2;
    return rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`).join('\n');
  };
  return [
    'usage: coocenter-relay [run | check-config] [--config FILE]',
    '       coocenter-relay --help | --version',
    '',
    'The coocenter edge relay: one AMI session to Asterisk, one outbound connection',
    "to the cloud, and the old box's HTTP API and event pushes on the LAN.",
    '',
    'commands:',
    column(RELAY_COMMANDS.map((c) => [c.name, c.help])),
    '',
    'options:',
    column(RELAY_OPTIONS.map((o) => [`${'short' in o ? `-${o.short}, ` : '    '}--${o.name}${'value' in o ? ` ${o.value}` : ''}`, o.help])),
    '',
    'environment:',
    column(RELAY_ENVIRONMENT.map((e) => [e.name, e.help])),
    '',
    'exit codes:',
    column(Object.values(EXIT).map((e) => [String(e.code), e.help])),
    '',
  ].join('\n');
}
