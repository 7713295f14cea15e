/**
 * coocenter-cloud's command line: options stand for their environment
 * variables and win over them (through the one settings parser, see
 * settings.test.ts), and --help documents everything the program reads.
 */
import { describe, expect, it } from 'vitest';
import { cloudUsage, EXIT, parseCloudArgs } from './cli.js';
import { LOCAL_ENV, localSettings } from './settings.js';

describe('coocenter-cloud command line', () => {
  it('turns --port, --host and --data-dir into the settings they stand for, over the environment', () => {
    const invocation = parseCloudArgs(['--port', '9001', '--host=0.0.0.0', '-d', '/srv/cloud']);
    expect(invocation).toEqual({
      command: 'run',
      overrides: { PORT: { value: '9001', from: '--port' }, HOST: { value: '0.0.0.0', from: '--host' }, DATA_DIR: { value: '/srv/cloud', from: '--data-dir' } },
    });
    if (invocation.command !== 'run') throw new Error('unreachable');
    expect(localSettings({ PORT: '8000', HOST: '127.0.0.1', DATA_DIR: '/env' }, '/x', invocation.overrides)).toMatchObject({ port: 9001, host: '0.0.0.0', dataDir: '/srv/cloud' });
    expect(parseCloudArgs([])).toEqual({ command: 'run', overrides: {} });
  });

  it('answers --help and --version before anything else', () => {
    expect(parseCloudArgs(['--port', 'abc', '--help'])).toEqual({ command: 'help' });
    expect(parseCloudArgs(['-v'])).toEqual({ command: 'version' });
  });

  it('--help lists every option, every variable it reads, and every exit code', () => {
    const help = cloudUsage();
    for (const part of ['-p, --port PORT', '--host ADDRESS', '-d, --data-dir DIR', '-h, --help', '-v, --version', ...LOCAL_ENV.map((e) => `  ${e.name} `)]) expect(help).toContain(part);
    for (const { code } of Object.values(EXIT)) expect(help).toMatch(new RegExp(`^ {2}${code} {2}`, 'm'));
  });
});
