/**
 * The README's main job (`npm start`): brings up the local cloud, a simulated
 * PBX and a relay, and prints curl lines that must work exactly as printed.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../cloud/src/local/free-port.js';
import { tempDir } from '../helpers/relay-harness.js';
import { waitFor } from '../helpers/wait.js';

let child: ChildProcess | undefined;

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child!.once('exit', r));
  }
});

describe('npm start', () => {
  it('prints curl lines that work as printed, then stops cleanly', async () => {
    const [port, lan, ami] = [await freePort(), await freePort(), await freePort()];
    let output = '';
    child = spawn(process.execPath, ['dist/scripts/start.js'], {
      env: { ...process.env, DATA_DIR: tempDir('demo-'), PORT: String(port), LAN_PORT: String(lan), AMI_PORT: String(ami), LOG_LEVEL: 'error' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    await waitFor(() => output.includes('Ctrl-C to stop'), { timeoutMs: 90_000, what: `the demo to start:\n${output}` });
    const lines = output
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('curl '));
    expect(lines.length).toBeGreaterThanOrEqual(6);
    for (const line of lines) {
      const body = execFileSync('sh', ['-c', line], { encoding: 'utf8', timeout: 20_000 });
      const parsed = JSON.parse(body);
      expect(parsed.status ?? 'site', line).not.toBe('error');
    }
    // The console's sign-in link: the page, with the tenant key in the fragment only (never sent to the server).
    const link = /console +(http:\/\/\S+\/console\/#key=(\S+))/.exec(output);
    expect(link, output).not.toBeNull();
    const page = await fetch(link![1]);
    expect([page.status, page.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    expect((await fetch(`http://127.0.0.1:${port}/v1/tenants/${decodeURIComponent(link![2]).split('.')[1]}/sites`, { headers: { authorization: `Bearer ${decodeURIComponent(link![2])}` } })).status).toBe(200);
    child.kill('SIGTERM');
    const code = await new Promise((r) => child!.once('exit', r));
    expect(code).toBe(0);
    // The demo may take its 90 s to start on a busy machine: the test waits as long (vitest's default would cut it at 30 s).
  }, 150_000);
});
