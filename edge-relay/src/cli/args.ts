/**
 * The relay's command line, declared once: the tables below drive both the
 * parser (protocol/src/cli/args.ts, shared with the cloud's CLI) and `--help`.
 * Pure: argv in, an invocation or a UsageError out.
 */

import { HELP_OPTION, parseArgs, VERSION_OPTION, type OptionSpec } from '../../../protocol/src/cli/args.js';

export { UsageError } from '../../../protocol/src/cli/args.js';

export const DEFAULT_CONFIG = '/etc/coocenter/api.conf';

export const RELAY_COMMANDS = [
  { name: 'run', help: 'connect to Asterisk and the cloud, serve the box API (the default)' },
  { name: 'check-config', help: 'validate the configuration, print the effective settings (secrets masked), exit' },
] as const;

export const RELAY_OPTIONS = [
  { name: 'config', short: 'c', value: 'FILE', help: `the configuration file (default ${DEFAULT_CONFIG})` },
  HELP_OPTION,
  VERSION_OPTION,
] as const satisfies readonly OptionSpec[];

export type RelayCommand = (typeof RELAY_COMMANDS)[number]['name'];

export type RelayInvocation = { command: 'help' } | { command: 'version' } | { command: RelayCommand; config: string };

export function parseRelayArgs(argv: readonly string[]): RelayInvocation {
  const { command, values } = parseArgs(argv, { commands: RELAY_COMMANDS, options: RELAY_OPTIONS });
  if (values.has('help')) return { command: 'help' };
  if (values.has('version')) return { command: 'version' };
  return { command: (command as RelayCommand | undefined) ?? 'run', config: (values.get('config') as string | undefined) ?? DEFAULT_CONFIG };
}
