/**
 * `npm start`'s edges, with the real processes: a port it needs is taken
 * (it says which at once and starts nothing), and a SIGTERM sent to npm's pid
 * alone (a service manager, `kill <pid>`) leaves no DynamoDB Local, no relay
 * and no listening port behind.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freeDemoPorts, runDemo, type DemoRun } from '../helpers/demo.js';
import { accepts, commandLine, descendants, killTree, running, takePort } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

const runs: DemoRun[] = [];
const held: Array<{ close(): Promise<void> }> = [];
/** What the demos started, to end it whatever happens to a test (once orphaned, they are no one's descendants). */
const started: number[] = [];

afterAll(async () => {
  for (const run of runs) {
    if (run.child.exitCode !== null) continue;
    killTree(run.child.pid!);
    await run.exited;
  }
  for (const pid of started) if (running(pid)) killTree(pid);
  for (const run of runs) rmSync(run.dataDir, { recursive: true, force: true });
  await Promise.all(held.map((h) => h.close()));
});

// Each test starts the whole demo (DynamoDB Local's JVM first): minutes on a loaded 2-core machine.
describe('npm start', { timeout: 180_000 }, () => {
  it('refuses to start when a port it needs is taken: one line naming it and its variable, exit 1, nothing started', async () => {
    const ports = await freeDemoPorts();
    held.push(await takePort(ports.lan, '0.0.0.0'));
    const run = runDemo({ ports });
    runs.push(run);
    expect(await run.exited).toBe(1);
    const lines = run.output().split('\n').filter((l) => l.startsWith('npm start: '));
    expect(lines[0]).toMatch(
      new RegExp(`^npm start: cannot listen on 127\\.0\\.0\\.1:${ports.lan}: the port is already in use \\(LAN_PORT: the relay's box API\\); free it or choose another, e\\.g\\. LAN_PORT=\\d+ npm start$`),
    );
    expect(lines.slice(1)).toEqual(['npm start: nothing was started']);
    expect(existsSync(join(run.dataDir, 'cloud'))).toBe(false);
    for (const port of [ports.cloud, ports.ami, ports.webhooks]) expect(await accepts(port), `port ${port}`).toBe(false);
  });

  it('stops everything it started when only npm\'s pid gets SIGTERM', async () => {
    const run = runDemo({ ports: await freeDemoPorts() });
    runs.push(run);
    await run.ready();
    started.push(...descendants(run.child.pid!));
    const commands = started.map(commandLine).join('\n');
    expect(commands).toContain('dist/scripts/start.js');
    expect(commands).toMatch(/java .*DynamoDBLocal/);
    expect(commands).toContain('coocenter-relay.js --config');

    process.kill(run.child.pid!, 'SIGTERM');
    await run.exited;
    await waitFor(() => started.every((pid) => !running(pid)), { timeoutMs: 20_000, what: `every process it started to end; left: ${started.filter(running).map(commandLine).join(', ')}` });
    for (const port of Object.values(run.ports)) expect(await accepts(port), `port ${port}`).toBe(false);
    expect(run.output()).toContain('SIGTERM: stopping…');
  });
});
