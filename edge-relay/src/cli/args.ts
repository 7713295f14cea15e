/**
 * The relay's command line, declared once: the tables below drive both the
 * parser and `--help`. Pure: argv in, an invocation or a UsageError out.
 */

import { closest } from '../suggest.js';

export interface OptionSpec {
  name: string;
  short?: string;
  /** Placeholder of the option's value; absent for a flag. */
  value?: string;
  help: string;
}

export const DEFAULT_CONFIG = '/etc/coocenter/api.conf';

export const RELAY_COMMANDS = [
  { name: 'run', help: 'connect to Asterisk and the cloud, serve the box API (the default)' },
  { name: 'check-config', help: 'validate the configuration, print the effective settings (secrets masked), exit' },
] as const;

export const RELAY_OPTIONS = [
  { name: 'config', short: 'c', value: 'FILE', help: `the configuration file (default ${DEFAULT_CONFIG})` },
  { name: 'help', short: 'h', help: 'print this help and exit' },
  { name: 'version', short: 'v', help: 'print the version and exit' },
] as const satisfies readonly OptionSpec[];

export type RelayCommand = (typeof RELAY_COMMANDS)[number]['name'];

export type RelayInvocation = { command: 'help' } | { command: 'version' } | { command: RelayCommand; config: string };

/** Wrong command line: the message is one line, without the program's name. */
export class UsageError extends Error {
  readonly code = 'RELAY_USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseRelayArgs(argv: readonly string[]): RelayInvocation {
  const values = new Map<string, string | true>();
  let command: RelayCommand | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('-') || arg === '-') {
      if (command !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
      command = commandNamed(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const written = eq > 0 && arg.startsWith('--') ? arg.slice(0, eq) : arg;
    const option = optionNamed(written);
    if (!option.value) {
      if (written !== arg) throw new UsageError(`${written} takes no value`);
      values.set(option.name, true);
      continue;
    }
    let value: string | undefined;
    if (written !== arg) value = arg.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('-')) value = argv[++i];
    if (value === undefined || value === '') throw new UsageError(`${written} needs a value (${option.value})`);
    values.set(option.name, value);
  }
  if (values.has('help')) return { command: 'help' };
  if (values.has('version')) return { command: 'version' };
  return { command: command ?? 'run', config: (values.get('config') as string | undefined) ?? DEFAULT_CONFIG };
}

function commandNamed(arg: string): RelayCommand {
  const found = RELAY_COMMANDS.find((c) => c.name === arg);
  if (found) return found.name;
  const hint = closest(arg, RELAY_COMMANDS.map((c) => c.name));
  throw new UsageError(`unknown command ${JSON.stringify(arg)}${hint ? ` (did you mean ${hint}?)` : ''}`);
}

function optionNamed(written: string): OptionSpec {
  const found: OptionSpec | undefined = written.startsWith('--')
    ? RELAY_OPTIONS.find((o) => `--${o.name}` === written)
    : RELAY_OPTIONS.find((o) => 'short' in o && `-${o.short}` === written);
  if (found) return found;
  const hint = closest(
    written.replace(/^-+/, ''),
    RELAY_OPTIONS.map((o) => o.name),
  );
  throw new UsageError(`unknown option ${written}${hint ? ` (did you mean --${hint}?)` : ''}`);
}
