/**
 * A command line declared as tables (commands, options), parsed by one pure
 * function for every program of ours: argv in, the command and option values
 * out, or a UsageError whose message is one line a user can act on. The same
 * tables drive `--help` (usage.ts), so what is parsed and what is documented
 * cannot drift apart.
 */

import { closest } from './suggest.js';

export interface OptionSpec {
  /** Long name, written `--name`. */
  name: string;
  /** One letter, written `-x`. */
  short?: string;
  /** Placeholder of the option's value; absent for a flag. */
  value?: string;
  help: string;
}

export interface CommandSpec {
  name: string;
  help: string;
}

export interface CommandLine {
  /** Sub-commands (`run`, `check-config`); none: every word is an unexpected argument. */
  commands?: readonly CommandSpec[];
  options: readonly OptionSpec[];
}

export interface ParsedArgs {
  /** The sub-command named, if any. */
  command?: string;
  /** Each option given, by long name: its value, or true for a flag. The last one given wins. */
  values: Map<string, string | true>;
}

/** Every program's `--help` and `--version`. */
export const HELP_OPTION = { name: 'help', short: 'h', help: 'print this help and exit' } as const satisfies OptionSpec;
export const VERSION_OPTION = { name: 'version', short: 'v', help: 'print the version and exit' } as const satisfies OptionSpec;

/** Wrong command line: the message is one line, without the program's name. */
export class UsageError extends Error {
  readonly code = 'USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseArgs(argv: readonly string[], line: CommandLine): ParsedArgs {
  const values = new Map<string, string | true>();
  let command: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('-') || arg === '-') {
      if (command !== undefined || !line.commands) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
      command = commandNamed(arg, line.commands);
      continue;
    }
    const eq = arg.indexOf('=');
    const written = eq > 0 && arg.startsWith('--') ? arg.slice(0, eq) : arg;
    const option = optionNamed(written, line.options);
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
  return { command, values };
}

function commandNamed(arg: string, commands: readonly CommandSpec[]): string {
  const found = commands.find((c) => c.name === arg);
  if (found) return found.name;
  const hint = closest(
    arg,
    commands.map((c) => c.name),
  );
  throw new UsageError(`unknown command ${JSON.stringify(arg)}${hint ? ` (did you mean ${hint}?)` : ''}`);
}

function optionNamed(written: string, options: readonly OptionSpec[]): OptionSpec {
  const found = written.startsWith('--') ? options.find((o) => `--${o.name}` === written) : options.find((o) => o.short !== undefined && `-${o.short}` === written);
  if (found) return found;
  const hint = closest(
    written.replace(/^-+/, ''),
    options.map((o) => o.name),
  );
  throw new UsageError(`unknown option ${written}${hint ? ` (did you mean --${hint}?)` : ''}`);
}
