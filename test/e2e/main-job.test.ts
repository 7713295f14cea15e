/**
 * The README's main job (`npm start`), run through npm as a user runs it in a
 * terminal: it brings up the local cloud, a simulated PBX and a relay, and
 * prints curl lines that must work exactly as printed — including the one
 * that makes a webhook to the demo's receiver, whose deliveries then show on
 * the console. Its secrets are readable by their owner only, and one Ctrl-C
 * (the terminal's SIGINT to the whole process group) stops everything it
 * started.
 */
import { execFileSync } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { curlLines, freeDemoPorts, runDemo, type DemoRun } from '../helpers/demo.js';
import { accepts, commandLine, descendants, killTree, running } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

let demo: DemoRun | undefined;
/** What it started, to end it whatever happens to the test (once orphaned, they are no one's descendants). */
const started: number[] = [];

afterAll(async () => {
  if (demo && demo.child.exitCode === null) {
    killTree(demo.child.pid!);
    await demo.exited;
  }
  for (const pid of started) if (running(pid)) killTree(pid);
  if (demo) rmSync(demo.dataDir, { recursive: true, force: true });
});

// Each test starts the whole demo (DynamoDB Local's JVM first): minutes on a loaded 2-core machine.
describe('npm start', { timeout: 180_000 }, () => {
  it('prints curl lines that work as printed, shows webhook deliveries, keeps secrets 0600, and stops on one Ctrl-C', async () => {
    demo = runDemo({ ports: await freeDemoPorts(), detached: true });
    await demo.ready();
    const output = demo.output();
    for (const step of ['starting DynamoDB Local', 'creating the demo tenant and site', 'waiting for the relay']) expect(output).toContain(step);

    const lines = curlLines(output);
    expect(lines.length).toBeGreaterThanOrEqual(7);
    const makeWebhook = lines.filter((l) => l.endsWith('/webhooks'));
    expect(makeWebhook).toHaveLength(1);
    const answers = new Map<string, any>();
    for (const line of lines) {
      const body = execFileSync('sh', ['-c', line], { encoding: 'utf8', timeout: 20_000 });
      const parsed = JSON.parse(body);
      expect(parsed.status ?? 'site', line).not.toBe('error');
      answers.set(line, parsed);
    }
    // The console's sign-in link: the page, with the tenant key in the fragment only (never sent to the server).
    const link = /console +(http:\/\/\S+\/console\/#key=(\S+))/.exec(output);
    expect(link, output).not.toBeNull();
    const page = await fetch(link![1]);
    expect([page.status, page.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    const key = decodeURIComponent(link![2]);
    expect((await fetch(`http://127.0.0.1:${demo.ports.cloud}/v1/tenants/${key.split('.')[1]}/sites`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    // The agent link: the console with an agent link's credential, for one extension of the demo site, and only that.
    const agentLink = /agent link +(http:\/\/\S+\/console\/#agent=(\S+))/.exec(output);
    expect(agentLink, output).not.toBeNull();
    expect((await fetch(agentLink![1])).status).toBe(200);
    const agent = decodeURIComponent(agentLink![2]);
    const tenantId = key.split('.')[1];
    const me = await fetch(`http://127.0.0.1:${demo.ports.cloud}/v1/tenants/${tenantId}/whoami`, { headers: { authorization: `Bearer ${agent}` } });
    expect(await me.json()).toMatchObject({ scopes: ['agent'], agent: { extension: '804' } });
    expect((await fetch(`http://127.0.0.1:${demo.ports.cloud}/v1/tenants/${tenantId}/sites`, { headers: { authorization: `Bearer ${agent}` } })).status).toBe(403);
    // The webhook it made posts to the demo's receiver, which prints a line per delivery.
    expect(answers.get(makeWebhook[0])).toMatchObject({ url: `http://127.0.0.1:${demo.ports.webhooks}/webhooks`, status: 'active', secret: expect.stringMatching(/^whsec_/) });
    await waitFor(() => /^webhook {2}(dialbegin|dialend|hangup|extensionstatus|ivr|cdr|cc_cdr) +seq \d+ +\S/m.test(demo!.output()), {
      timeoutMs: 60_000,
      what: `a delivery line on the console:\n${demo.output().slice(-2000)}`,
    });

    for (const file of [join(demo.dataDir, 'relay', 'api.conf'), join(demo.dataDir, 'demo.json')]) {
      expect((statSync(file).mode & 0o777).toString(8), file).toBe('600');
    }

    // One Ctrl-C: the terminal signals the whole foreground group (npm, the demo); npm forwards it too.
    started.push(...descendants(demo.child.pid!));
    expect(started.map(commandLine).join('\n')).toMatch(/java .*DynamoDBLocal/);
    expect(started.map(commandLine).join('\n')).toContain('coocenter-relay.js --config');
    process.kill(-demo.child.pid!, 'SIGINT');
    await demo.exited;
    await waitFor(() => started.every((pid) => !running(pid)), { timeoutMs: 20_000, what: `every process it started to end: ${started.filter(running).map(commandLine).join(', ')}` });
    for (const port of Object.values(demo.ports)) expect(await accepts(port), `port ${port}`).toBe(false);
    expect(demo.output()).toContain('SIGINT: stopping…');
    expect(demo.output()).not.toContain('exiting now');
  });
});
