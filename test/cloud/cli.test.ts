/**
 * The cloud's real command line (bin/coocenter-cloud.js, compiled), as a user
 * meets it: --help and --version never start anything, every misuse is one
 * line on stderr and exit 2, a taken port one line and exit 1, and the
 * options win over the environment.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../cloud/src/local/free-port.js';
import { randomId } from '../../cloud/src/store/secrets.js';
import { tempDir } from '../helpers/relay-harness.js';
import { takePort } from '../helpers/processes.js';
import { runBin, type Run } from '../helpers/run-bin.js';
import { waitFor } from '../helpers/wait.js';

const cloud = (args: string[], env: Record<string, string> = {}): Promise<Run> => runBin('coocenter-cloud.js', args, env);

/** Exit 2 and exactly one line on stderr, nothing on stdout. */
async function expectUsage(args: string[], line: string, env: Record<string, string> = {}): Promise<void> {
  expect(await cloud(args, env)).toEqual({ code: 2, stdout: '', stderr: `coocenter-cloud: ${line}\n` });
}

let taken: Awaited<ReturnType<typeof takePort>>;
beforeAll(async () => void (taken = await takePort()));
afterAll(() => taken.close());

describe('coocenter-cloud command line', () => {
  it('--help prints usage, options, environment and exit codes, and starts nothing; exit 0', async () => {
    const dataDir = join(tempDir('cloud-cli-'), 'never-created');
    const r = await cloud(['--port', String(taken.port), '--help'], { DATA_DIR: dataDir });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^usage: coocenter-cloud /);
    for (const part of ['options:', '--port PORT', '--data-dir DIR', 'environment:', 'ADMIN_TOKEN', 'exit codes:']) expect(r.stdout).toContain(part);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('--version prints the version of package.json; exit 0', async () => {
    const { version } = (await import('../../package.json', { with: { type: 'json' } })).default;
    expect(await cloud(['--version'])).toEqual({ code: 0, stdout: `coocenter-cloud ${version}\n`, stderr: '' });
  });

  it('an unknown option: exit 2 with the closest option', () => expectUsage(['--prot', '8787'], 'unknown option --prot (did you mean --port?); see coocenter-cloud --help'));

  it('an option without its value: exit 2', () => expectUsage(['--data-dir'], '--data-dir needs a value (DIR); see coocenter-cloud --help'));

  it('a stray argument: exit 2', () => expectUsage(['serve'], 'unexpected argument "serve"; see coocenter-cloud --help'));

  it('a malformed option value: exit 2 naming the option as written', () => expectUsage(['--port', '80000'], '--port must be a whole number from 0 to 65535 (got "80000")'));

  it('a malformed variable: exit 2 naming it', () => expectUsage([], 'LOG_FORMAT must be json or pretty (got "text")', { LOG_FORMAT: 'text' }));

  it('a taken port: exit 1 with one line naming the address and port, before starting the database', async () => {
    const dataDir = tempDir('cloud-taken-');
    const r = await cloud(['--port', String(taken.port), '--data-dir', dataDir]);
    expect(r).toEqual({ code: 1, stdout: '', stderr: `coocenter-cloud: cannot listen on 127.0.0.1:${taken.port}: the port is already in use (--port/PORT, --host/HOST)\n` });
    expect(existsSync(join(dataDir, 'dynamodb'))).toBe(false);
  });

  it('options win over the environment, LOG_FORMAT=pretty logs for people; SIGTERM stops it with exit 0', async () => {
    const [port, fromEnv, fromFlag] = [await freePort(), tempDir('cloud-env-'), tempDir('cloud-flag-')];
    const child = spawn(process.execPath, ['bin/coocenter-cloud.js', '--port', String(port), '--data-dir', fromFlag], {
      env: {
        ...process.env,
        PORT: String(taken.port),
        DATA_DIR: fromEnv,
        DYNAMODB_ENDPOINT: inject('dynamoEndpoint'),
        SQS_ENDPOINT: inject('sqsEndpoint'),
        TABLE_PREFIX: randomId('t'),
        ADMIN_TOKEN: 'admin',
        LOG_LEVEL: 'info',
        LOG_FORMAT: 'pretty',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    // LOG_FORMAT=pretty: time, level, who, message, key=value.
    const listening = new RegExp(`^\\S+Z INFO {2}cloud {2}local cloud listening {2}url=http://127\\.0\\.0\\.1:${port} `, 'm');
    await waitFor(() => listening.test(stderr), { timeoutMs: 30_000, what: `the cloud to listen:\n${stderr}` });
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(existsSync(join(fromFlag, 'secrets.key'))).toBe(true);
    expect(existsSync(join(fromEnv, 'secrets.key'))).toBe(false);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
