/**
 * `npm start`: the whole product on one machine, as a user would run it —
 *   - the local cloud (Hono + embedded DynamoDB Local, data in .data/cloud),
 *     allowing webhooks to loopback for the demo's own receiver,
 *   - a simulated PBX (AMI over TCP) making realistic demo calls,
 *   - an edge relay (the real `coocenter-relay` CLI, as its own process)
 *     logged in to that PBX and tunnelled to the cloud,
 *   - a demo tenant and site (kept in .data/demo.json across restarts),
 *   - a stand-in CRM taking the relay's LAN pushes, and a webhook receiver
 *     printing one line per delivery,
 * then prints working curl lines. One Ctrl-C (or SIGTERM, also through npm)
 * stops everything.
 *
 * Environment: PORT (cloud, 8787), AMI_PORT (simulator, 5038), LAN_PORT
 * (relay's box API, 8000), WEBHOOK_PORT (receiver, 8788), METRICS_PORT (relay's
 * health and metrics, 9464), DATA_DIR (.data),
 * ADMIN_TOKEN, LOG_LEVEL (warn), LOG_FORMAT (pretty).
 */

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalCloud } from '../cloud/src/local/server.js';
import { ConfigError } from '../cloud/src/settings.js';
import { CONSOLE_BUILD } from '../infra/lib/paths.js';
import { ExitError } from '../protocol/src/cli/program.js';
import { portProblem } from '../protocol/src/listen.js';
import { createLogger } from '../protocol/src/log.js';
import { DemoTraffic } from '../simulator/src/demo.js';
import { startSimulator } from '../simulator/src/index.js';
import { createDemo, ensureAgentLink, savedDemo, siteStatus, stillThere, type Demo } from './demo/accounts.js';
import { banner } from './demo/banner.js';
import { startCrmReceiver, startWebhookReceiver } from './demo/receivers.js';
import { lanReady, runRelay, waitForRelay, writeRelayConf } from './demo/relay.js';
import { demoPorts, demoSettings, type DemoSettings } from './demo/settings.js';
import { Shutdown } from './demo/shutdown.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const say = (line = '') => process.stdout.write(line + '\n');
const shutdown = new Shutdown(say);

/** Every port free before anything starts, or one line per taken port and exit 1. */
async function checkPorts(settings: DemoSettings): Promise<void> {
  const ports = demoPorts(settings);
  const lines: string[] = [];
  for (const [i, p] of ports.entries()) {
    const twin = ports.slice(0, i).find((q) => q.port === p.port);
    if (twin) lines.push(`${twin.variable} and ${p.variable} are both ${p.port}: give them different ports`);
  }
  for (const p of ports) {
    const problem = await portProblem(p.port, '127.0.0.1');
    if (!problem) continue;
    let other = p.port + 1;
    while (other < 65535 && (ports.some((q) => q.port === other) || (await portProblem(other, '127.0.0.1')))) other++;
    lines.push(`${problem.message} (${p.variable}: ${p.what}); free it or choose another, e.g. ${p.variable}=${other} npm start`);
  }
  if (lines.length) throw new ExitError(1, `${lines.join('\nnpm start: ')}\nnpm start: nothing was started`);
}

async function main(): Promise<void> {
  let settings: DemoSettings;
  try {
    settings = demoSettings(process.env, ROOT);
  } catch (err) {
    if (err instanceof ConfigError) throw new ExitError(2, err.message);
    throw err;
  }
  await checkPorts(settings);
  const { dataDir } = settings;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const logger = createLogger({ level: settings.logLevel, format: settings.logFormat });
  const saved = savedDemo(dataDir);
  const adminToken = settings.adminToken ?? saved?.adminToken ?? randomBytes(18).toString('base64url');

  say(`starting the local cloud on http://127.0.0.1:${settings.cloud.port} (data in ${join(dataDir, 'cloud')})…`);
  const cloud = await startLocalCloud({
    port: settings.cloud.port,
    dataDir: join(dataDir, 'cloud'),
    adminToken,
    consoleDir: join(ROOT, CONSOLE_BUILD),
    // The demo's webhooks go to its own receiver on loopback.
    allowPrivateWebhooks: true,
    logger: logger.child({ service: 'cloud' }),
    progress: (step) => say(`  ${step}`),
  });
  shutdown.add({ what: 'the cloud', stop: () => cloud.stop() });

  say(`starting the simulated PBX (AMI on 127.0.0.1:${settings.ami.port})…`);
  const monitorDir = join(dataDir, 'monitor');
  mkdirSync(monitorDir, { recursive: true });
  const sim = await startSimulator({ port: settings.ami.port, monitorDir, logger: logger.child({ service: 'pbx' }) });
  shutdown.add({ what: 'the simulated PBX', stop: () => sim.close() });

  let demo: Demo;
  if (saved && (await stillThere(cloud.url, saved))) {
    say(`reusing the demo tenant and site of ${join(dataDir, 'demo.json')}…`);
    demo = saved;
  } else {
    say('creating the demo tenant and site…');
    demo = await createDemo(cloud.url, dataDir, adminToken);
  }
  demo = await ensureAgentLink(cloud.url, dataDir, demo);

  const crm = await startCrmReceiver();
  shutdown.add({ what: 'the stand-in CRM', stop: () => crm.close() });
  const webhooks = await startWebhookReceiver(settings.webhooks.port, (line) => say(line));
  shutdown.add({ what: 'the webhook receiver', stop: () => webhooks.close() });

  const relayDir = join(dataDir, 'relay');
  mkdirSync(relayDir, { recursive: true });
  const confFile = join(relayDir, 'api.conf');
  writeRelayConf(confFile, {
    lanPort: settings.lan.port,
    metricsPort: settings.metrics.port,
    crmUrl: crm.url,
    webkey: demo.webkey,
    dataDir: relayDir,
    amiPort: sim.port,
    cloudUrl: cloud.url,
    relayToken: demo.relayToken,
    monitorDir,
  });
  say(`starting the relay: coocenter-relay --config ${confFile}…`);
  const relay = runRelay(ROOT, confFile, process.env, { level: settings.logLevel, format: settings.logFormat, dataDir: relayDir });
  shutdown.add({ what: 'the relay', stop: () => relay.stop() }, () => relay.child.kill('SIGKILL'));
  say('waiting for the relay to log in to the PBX and connect to the cloud…');
  const tunnelUp = () => siteStatus(cloud.url, demo).then((s) => s.relay.connected, () => false);
  await waitForRelay(relay, async () => (await lanReady(settings.lan.port, demo.webkey)) && (await tunnelUp()), 30_000);
  void relay.exited.then((code) => {
    if (!shutdown.isStopping) void shutdown.stop(1, `npm start: the relay exited (${code === null ? 'killed' : `code ${code}`}); stopping`);
  });

  const demoCalls = new DemoTraffic(sim, { logger });
  demoCalls.start();
  shutdown.add({ what: 'the demo calls', stop: () => demoCalls.stop() });

  const existing = (await (await fetch(`${cloud.url}/v1/tenants/${demo.tenantId}/webhooks`, { headers: { authorization: `Bearer ${demo.apiKey}` } })).json()) as { data: Array<{ id: string; url: string }> };
  for (const line of banner({
    cloudUrl: cloud.url,
    lanPort: settings.lan.port,
    metricsPort: settings.metrics.port,
    amiPort: sim.port,
    confFile,
    demo,
    webhookUrl: webhooks.url,
    existingWebhooks: existing.data.filter((w) => w.url === webhooks.url).map((w) => w.id),
  })) {
    say(line);
  }
  let counted = 0;
  setInterval(() => {
    if (crm.count() === counted) return;
    counted = crm.count();
    say(`lan push: ${counted} events received by the stand-in CRM so far`);
  }, 30_000).unref();
}

main().catch((err: unknown) => {
  const expected = err instanceof ExitError || (err instanceof Error && 'code' in err);
  process.stderr.write(`npm start: ${err instanceof Error ? (expected ? err.message : (err.stack ?? err.message)) : String(err)}\n`);
  void shutdown.stop(err instanceof ExitError ? err.status : 1);
});
