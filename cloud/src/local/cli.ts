/**
 * `coocenter-cloud`'s command line, declared once: the tables below drive the
 * parser (protocol/src/cli/args.ts, shared with the relay's CLI) and `--help`.
 * An option stands for an environment variable and wins over it: the value
 * goes through the same settings parser (settings.ts), so `--port abc` and
 * `PORT=abc` are refused the same way. Pure.
 */

import { HELP_OPTION, parseArgs, VERSION_OPTION, type OptionSpec } from '../../../protocol/src/cli/args.js';
import { usageText } from '../../../protocol/src/cli/usage.js';
import type { EnvName, Overrides } from '../settings.js';
import { LOCAL_ENV } from './settings.js';

type CloudOption = OptionSpec & { env?: EnvName };

export const CLOUD_OPTIONS = [
  { name: 'port', short: 'p', value: 'PORT', env: 'PORT', help: 'port to listen on (default 8787; 0: any free port); wins over PORT' },
  { name: 'host', value: 'ADDRESS', env: 'HOST', help: 'address to listen on (default 127.0.0.1); wins over HOST' },
  { name: 'data-dir', short: 'd', value: 'DIR', env: 'DATA_DIR', help: "the embedded database's files and the WEBKEY key (default ./.data/cloud); wins over DATA_DIR" },
  HELP_OPTION,
  VERSION_OPTION,
] as const satisfies readonly CloudOption[];

/** Exit codes, declared once for main.ts and the help text. */
export const EXIT = {
  ok: { code: 0, help: 'stopped by SIGINT/SIGTERM; --help, --version' },
  failure: { code: 1, help: 'could not start or stopped on an error (e.g. the port is taken, DynamoDB Local did not start)' },
  usage: { code: 2, help: 'wrong command line or setting (one line on stderr says what)' },
} as const;

export type CloudInvocation = { command: 'help' } | { command: 'version' } | { command: 'run'; overrides: Overrides };

export function parseCloudArgs(argv: readonly string[]): CloudInvocation {
  const { values } = parseArgs(argv, { options: CLOUD_OPTIONS });
  if (values.has('help')) return { command: 'help' };
  if (values.has('version')) return { command: 'version' };
  const overrides: Overrides = {};
  for (const option of CLOUD_OPTIONS as readonly CloudOption[]) {
    const value = values.get(option.name);
    if (option.env && typeof value === 'string') overrides[option.env] = { value, from: `--${option.name}` };
  }
  return { command: 'run', overrides };
}

export function cloudUsage(): string {
  return usageText({
    synopsis: ['coocenter-cloud [--port PORT] [--host ADDRESS] [--data-dir DIR]', 'coocenter-cloud --help | --version'],
    about: [
      'The coocenter cloud as one local process: the box API per site, /v1 for tenants,',
      'relays on ws://HOST:PORT/relay, with DynamoDB Local and an SQS stand-in embedded.',
    ],
    options: CLOUD_OPTIONS,
    environment: LOCAL_ENV,
    exitCodes: EXIT,
  });
}
