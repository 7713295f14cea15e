/** What a program of ours prints for `--help`, derived from the tables it describes. */

import type { CommandSpec, OptionSpec } from './args.js';

export interface ExitCode {
  code: number;
  help: string;
}

export interface Usage {
  /** The synopsis lines, without `usage: ` (the first line) and their indent (the rest). */
  synopsis: readonly string[];
  /** What the program is, a sentence or two. */
  about: readonly string[];
  commands?: readonly CommandSpec[];
  options: readonly OptionSpec[];
  environment: ReadonlyArray<{ name: string; help: string }>;
  exitCodes: Readonly<Record<string, ExitCode>>;
}

function column(rows: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`).join('\n');
}

export function usageText(u: Usage): string {
  const sections: string[] = [];
  if (u.commands?.length) sections.push('commands:', column(u.commands.map((c) => [c.name, c.help])), '');
  const option = (o: OptionSpec) => `${o.short ? `-${o.short}, ` : '    '}--${o.name}${o.value ? ` ${o.value}` : ''}`;
  return [
    ...u.synopsis.map((line, i) => (i === 0 ? `usage: ${line}` : `       ${line}`)),
    '',
    ...u.about,
    '',
    ...sections,
    'options:',
    column(u.options.map((o) => [option(o), o.help])),
    '',
    'environment:',
    column(u.environment.map((e) => [e.name, e.help])),
    '',
    'exit codes:',
    column(Object.values(u.exitCodes).map((e) => [String(e.code), e.help])),
    '',
  ].join('\n');
}
