/**
 * The relay's real command line (bin/coocenter-relay.js, compiled), as a user
 * meets it: exit codes and the one line on stderr, never a stack trace.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/relay-harness.js';
import { takePort } from '../helpers/processes.js';
import { runBin, type Run } from '../helpers/run-bin.js';
import { waitFor } from '../helpers/wait.js';

const relay = (args: string[], env: Record<string, string> = {}): Promise<Run> => runBin('coocenter-relay.js', args, env);

/** Exit 2 and exactly one line on stderr, nothing on stdout. */
async function expectUsage(args: string[], line: string): Promise<void> {
  const r = await relay(args);
  expect(r).toEqual({ code: 2, stdout: '', stderr: `coocenter-relay: ${line}\n` });
}

const dir = tempDir('relay-cli-');
function conf(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}
const AMI = '[ami]\nusername = relay\nsecret = ami-secret\n';

describe('coocenter-relay command line', () => {
  it('--help prints usage, options, environment and exit codes; exit 0', async () => {
    const r = await relay(['--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^usage: coocenter-relay /);
    for (const part of ['options:', '--config FILE', 'environment:', 'DATA_DIR', 'exit codes:', 'check-config']) expect(r.stdout).toContain(part);
  });

  it('--version prints the version of package.json; exit 0', async () => {
    const { version } = (await import('../../package.json', { with: { type: 'json' } })).default;
    expect(await relay(['--version'])).toEqual({ code: 0, stdout: `coocenter-relay ${version}\n`, stderr: '' });
  });

  it('an unknown option: exit 2 with the closest option', () =>
    expectUsage(['--confg', 'api.conf'], 'unknown option --confg (did you mean --config?); see coocenter-relay --help'));

  it('an option without its value: exit 2', () => expectUsage(['--config'], '--config needs a value (FILE); see coocenter-relay --help'));

  it('a flag given a value: exit 2', () => expectUsage(['--version=2'], '--version takes no value; see coocenter-relay --help'));

  it('an unknown command: exit 2 with the closest command', () =>
    expectUsage(['check-confg'], 'unknown command "check-confg" (did you mean check-config?); see coocenter-relay --help'));

  it('a stray argument: exit 2', () => expectUsage(['run', 'api.conf'], 'unexpected argument "api.conf"; see coocenter-relay --help'));

  it('a configuration file that cannot be read: exit 2 naming it', () =>
    expectUsage(['--config', join(dir, 'missing.conf')], `${join(dir, 'missing.conf')}: file: cannot read the configuration (ENOENT)`));

  it('a misspelled section stops the relay before it starts: exit 2', async () => {
    const file = conf('genral.conf', `[genral]\nBINDPORT = 8000\n${AMI}`);
    await expectUsage(['--config', file], `${file}: [genral]: unknown section (did you mean [general]?)`);
  });

  it('check-config: a misspelled key, exit 2 naming it', async () => {
    const file = conf('key.conf', `[general]\nWEBKYE = k\n${AMI}`);
    await expectUsage(['check-config', '--config', file], `${file}: [general] WEBKYE: unknown key (did you mean WEBKEY?)`);
  });

  it('check-config: a valid file, exit 0, the effective settings with secrets masked', async () => {
    const file = conf('ok.conf', `[general]\nBINDPORT = 8001\nWEBKEY = the-webkey\n${AMI}[cloud]\nurl = wss://cloud.example.com/relay\ntoken = rt_the-token\n`);
    const r = await relay(['check-config', '-c', file], { DATA_DIR: join(dir, 'data') });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')[0]).toBe(`; ${file}: valid. Effective settings, defaults filled in, secrets masked.`);
    expect(r.stdout).toContain('BINDPORT = 8001\n');
    expect(r.stdout).toContain(`data_dir = ${join(dir, 'data')}    ; from DATA_DIR\n`);
    for (const secret of ['the-webkey', 'rt_the-token', 'ami-secret']) expect(r.stdout).not.toContain(secret);
    expect(r.stdout.match(/= \*{8}$/gm)).toHaveLength(3);
  });

  it('LOG_FORMAT=pretty logs a line a person reads, with the cause of a failure', async () => {
    const closed = await takePort();
    await closed.close(); // nothing listens there now
    // Its own health port: the default 9464 may be another relay's on this machine.
    const file = conf('pretty.conf', `[general]\nBINDPORT = 0\nBINDADDR = 127.0.0.1\n[ami]\nport = ${closed.port}\nusername = relay\nsecret = s\n[metrics]\nlisten = 127.0.0.1:0\n`);
    const child = spawn(process.execPath, ['bin/coocenter-relay.js', '--config', file], { env: { ...process.env, LOG_LEVEL: 'info', LOG_FORMAT: 'pretty', DATA_DIR: join(dir, 'pretty-data') } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const line = new RegExp(`^\\S+Z WARN {2}relay/ami {2}ami connect failed {2}ami=127\\.0\\.0\\.1:${closed.port} error="AMI socket error: connect ECONNREFUSED 127\\.0\\.0\\.1:${closed.port} \\[AMI_CONNECTION_LOST\\] \\(cause: connect ECONNREFUSED 127\\.0\\.0\\.1:${closed.port} \\[ECONNREFUSED\\]\\)"$`, 'm');
    try {
      await waitFor(() => line.test(stderr), { timeoutMs: 15_000, what: `a pretty line:\n${stderr}` });
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });

  describe('with its LAN port taken', () => {
    let taken: Awaited<ReturnType<typeof takePort>>;
    beforeAll(async () => void (taken = await takePort()));
    afterAll(() => taken.close());

    it('exits 1 with one line naming the address and port', async () => {
      const file = conf('taken.conf', `[general]\nBINDPORT = ${taken.port}\nBINDADDR = 127.0.0.1\n${AMI}`);
      const r = await relay(['--config', file], { DATA_DIR: join(dir, 'taken-data') });
      expect(r).toEqual({
        code: 1,
        stdout: '',
        stderr: `coocenter-relay: cannot listen on 127.0.0.1:${taken.port}: the port is already in use ([general] BINDADDR, BINDPORT in ${file})\n`,
      });
    });

    it('the same for the health and metrics port, naming [metrics] listen', async () => {
      const file = conf('taken-metrics.conf', `[general]\nBINDPORT = 0\nBINDADDR = 127.0.0.1\n${AMI}[metrics]\nlisten = 127.0.0.1:${taken.port}\n`);
      const r = await relay(['--config', file], { DATA_DIR: join(dir, 'taken-metrics-data') });
      expect(r).toEqual({ code: 1, stdout: '', stderr: `coocenter-relay: cannot listen on 127.0.0.1:${taken.port}: the port is already in use ([metrics] listen in ${file})\n` });
    });
  });
});
