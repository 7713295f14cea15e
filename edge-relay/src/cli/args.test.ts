import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, parseRelayArgs, UsageError } from './args.js';
import { relayUsage } from './usage.js';

function usageError(argv: string[]): string {
  try {
    parseRelayArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) return err.message;
    throw err;
  }
  throw new Error(`expected a usage error for ${argv.join(' ')}`);
}

describe('relay command line', () => {
  it('runs the relay with the configuration named in any of the usual spellings', () => {
    expect(parseRelayArgs([])).toEqual({ command: 'run', config: DEFAULT_CONFIG });
    expect(parseRelayArgs(['--config', 'a.conf'])).toEqual({ command: 'run', config: 'a.conf' });
    expect(parseRelayArgs(['--config=b.conf'])).toEqual({ command: 'run', config: 'b.conf' });
    expect(parseRelayArgs(['run', '-c', 'c.conf'])).toEqual({ command: 'run', config: 'c.conf' });
    expect(parseRelayArgs(['-c', 'x.conf', 'check-config'])).toEqual({ command: 'check-config', config: 'x.conf' });
  });

  it('answers --help and --version before anything else', () => {
    expect(parseRelayArgs(['check-config', '--help'])).toEqual({ command: 'help' });
    expect(parseRelayArgs(['-h'])).toEqual({ command: 'help' });
    expect(parseRelayArgs(['--version'])).toEqual({ command: 'version' });
    expect(parseRelayArgs(['-v', '--config', 'a.conf'])).toEqual({ command: 'version' });
  });

  it.each([
    [['--confg', 'a.conf'], 'unknown option --confg (did you mean --config?)'],
    [['--vesrion'], 'unknown option --vesrion (did you mean --version?)'],
    [['--verbose'], 'unknown option --verbose'],
    [['--port', '8000'], 'unknown option --port'],
    [['-x'], 'unknown option -x'],
    [['--config'], '--config needs a value (FILE)'],
    [['-c'], '-c needs a value (FILE)'],
    [['--config='], '--config needs a value (FILE)'],
    [['--config', '--help'], '--config needs a value (FILE)'],
    [['--help=yes'], '--help takes no value'],
    [['chek-config'], 'unknown command "chek-config" (did you mean check-config?)'],
    [['start'], 'unknown command "start"'],
    [['run', 'api.conf'], 'unexpected argument "api.conf"'],
  ])('refuses %j with one line: %s', (argv, expected) => {
    expect(usageError(argv)).toBe(expected);
  });

  it('documents every command, option, environment variable and exit code in --help', () => {
    const help = relayUsage();
    for (const word of ['run', 'check-config', '-c, --config FILE', '-h, --help', '-v, --version', 'DATA_DIR', 'LOG_LEVEL', DEFAULT_CONFIG]) {
      expect(help).toContain(word);
    }
    expect(help).toMatch(/^ {2}0 /m);
    expect(help).toMatch(/^ {2}1 /m);
    expect(help).toMatch(/^ {2}2 /m);
  });
});
