/**
 * The one command-line parser, on a program without sub-commands (the
 * relay's own table is tested in edge-relay/src/cli/args.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { HELP_OPTION, parseArgs, UsageError, type CommandLine } from './args.js';
import { usageText } from './usage.js';

const LINE: CommandLine = {
  options: [{ name: 'port', short: 'p', value: 'PORT', help: 'where' }, { name: 'data-dir', value: 'DIR', help: 'files' }, HELP_OPTION],
};

const refusal = (argv: string[]) => {
  try {
    parseArgs(argv, LINE);
  } catch (err) {
    if (err instanceof UsageError) return err.message;
    throw err;
  }
  throw new Error(`expected a refusal of ${argv.join(' ')}`);
};

describe('parseArgs', () => {
  it('reads each spelling of an option; the last one given wins', () => {
    expect(parseArgs(['--port', '1', '-p', '2', '--data-dir=/d', '-h'], LINE)).toEqual({
      command: undefined,
      values: new Map<string, string | true>([
        ['port', '2'],
        ['data-dir', '/d'],
        ['help', true],
      ]),
    });
  });

  it.each([
    [['serve'], 'unexpected argument "serve"'],
    [['--data-dri', 'x'], 'unknown option --data-dri (did you mean --data-dir?)'],
    [['-x'], 'unknown option -x'],
    [['--port'], '--port needs a value (PORT)'],
    [['-p', '--help'], '-p needs a value (PORT)'],
    [['--help=1'], '--help takes no value'],
  ])('refuses %j with one line: %s', (argv, message) => {
    expect(refusal(argv)).toBe(message);
  });
});

describe('usageText', () => {
  it('lays out synopsis, options, environment and exit codes in columns', () => {
    const text = usageText({
      synopsis: ['prog [--port PORT]', 'prog --help'],
      about: ['A program.'],
      options: LINE.options,
      environment: [{ name: 'PORT', help: 'where, from the environment' }],
      exitCodes: { ok: { code: 0, help: 'fine' }, usage: { code: 2, help: 'wrong command line' } },
    });
    expect(text).toBe(
      [
        'usage: prog [--port PORT]',
        '       prog --help',
        '',
        'A program.',
        '',
        'options:',
        '  -p, --port PORT     where',
        '      --data-dir DIR  files',
        '  -h, --help          print this help and exit',
        '',
        'environment:',
        '  PORT  where, from the environment',
        '',
        'exit codes:',
        '  0  fine',
        '  2  wrong command line',
        '',
      ].join('\n'),
    );
  });
});
