/**
 * `npm start`: the whole product on one machine, as a user would run it —
 *   - the local cloud (Hono + embedded DynamoDB Local, data in .data/cloud),
 *   - a simulated PBX (AMI over TCP) making realistic demo calls,
 *   - an edge relay (the real `coocenter-relay` CLI, as its own process)
 *     logged in to that PBX and tunnelled to the cloud,
 *   - a demo tenant and site (kept in .data/demo.json across restarts),
 *   - a small LAN event receiver standing in for a CRM,
 * then prints working curl lines. Ctrl-C stops everything.
 *
 * Environment: PORT (cloud, 8787), LAN_PORT (relay's box API, 8000),
 * AMI_PORT (simulator, 5038), DATA_DIR (.data), ADMIN_TOKEN.
 */

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitForPort } from '../cloud/src/local/free-port.js';
import { startLocalCloud } from '../cloud/src/local/server.js';
import { CONSOLE_BUILD } from '../infra/lib/paths.js';
import { createLogger } from '../protocol/src/log.js';
import { DemoTraffic } from '../simulator/src/demo.js';
import { startSimulator } from '../simulator/src/index.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const env = process.env;
const dataDir = resolve(env.DATA_DIR ?? join(ROOT, '.data'));
const cloudPort = Number(env.PORT ?? 8787);
const lanPort = Number(env.LAN_PORT ?? 8000);
const amiPort = Number(env.AMI_PORT ?? 5038);
const out = (line = '') => process.stdout.write(line + '\n');

interface Demo {
  adminToken: string;
  tenantId: string;
  apiKey: string;
  siteId: string;
  relayToken: string;
  webkey: string;
}

async function json(url: string, init: RequestInit): Promise<any> {
  const res = await fetch(url, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method} ${url}: ${res.status} ${text}`);
  return JSON.parse(text);
}

/** Reuse the demo tenant and site of an earlier run (same data directory), else create them. */
async function demoAccounts(cloudUrl: string, adminToken: string): Promise<Demo> {
  const file = join(dataDir, 'demo.json');
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Demo;
    const check = await fetch(`${cloudUrl}/v1/tenants/${saved.tenantId}/sites/${saved.siteId}`, { headers: { authorization: `Bearer ${saved.apiKey}` } });
    if (check.ok) return saved;
  }
  const post = (path: string, token: string, body: unknown) =>
    json(`${cloudUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const webkey = randomBytes(9).toString('base64url');
  const tenant = await post('/v1/tenants', adminToken, { name: 'Demo Call Center' });
  const site = await post(`/v1/tenants/${tenant.id}/sites`, tenant.apiKey, { name: 'Headquarters', webkey, timezone: 'UTC' });
  const demo: Demo = { adminToken, tenantId: tenant.id, apiKey: tenant.apiKey, siteId: site.id, relayToken: site.relayToken, webkey };
  writeFileSync(file, JSON.stringify(demo, null, 2), { mode: 0o600 });
  return demo;
}

/** A CRM's event receiver on the LAN: counts what the relay pushes. */
function startCrmReceiver(): Promise<{ url: string; close(): void; count(): number }> {
  let n = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      n++;
      res.writeHead(200).end();
    });
  });
  return new Promise((r) =>
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      r({ url: `http://127.0.0.1:${port}/crm/events`, close: () => server.close(), count: () => n });
    }),
  );
}

async function main(): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  const logger = createLogger({ level: (env.LOG_LEVEL as 'warn') ?? 'warn', fields: { service: 'demo' } });
  const savedAdmin = existsSync(join(dataDir, 'demo.json')) ? (JSON.parse(readFileSync(join(dataDir, 'demo.json'), 'utf8')) as Demo).adminToken : undefined;
  const adminToken = env.ADMIN_TOKEN ?? savedAdmin ?? randomBytes(18).toString('base64url');

  const cloud = await startLocalCloud({ port: cloudPort, dataDir: join(dataDir, 'cloud'), adminToken, consoleDir: join(ROOT, CONSOLE_BUILD), logger: logger.child({ service: 'cloud' }) });
  const monitorDir = join(dataDir, 'monitor');
  mkdirSync(monitorDir, { recursive: true });
  const sim = await startSimulator({ port: amiPort, monitorDir, logger: logger.child({ service: 'pbx' }) });
  const demo = await demoAccounts(cloud.url, adminToken);
  const crm = await startCrmReceiver();

  const relayDir = join(dataDir, 'relay');
  mkdirSync(relayDir, { recursive: true });
  const conf = join(relayDir, 'api.conf');
  writeFileSync(
    conf,
    [
      '; written by npm start: the relay of the demo site',
      '[general]',
      `BINDPORT = ${lanPort}`,
      'BINDADDR = 127.0.0.1',
      `URL = ${crm.url}`,
      `WEBKEY = ${demo.webkey}`,
      'mac = 68:69:2e:03:8b:3e',
      `data_dir = ${relayDir}`,
      '[ami]',
      `port = ${sim.port}`,
      'username = admin',
      'secret = secret',
      '[cloud]',
      `url = ${cloud.url}`,
      `token = ${demo.relayToken}`,
      '[pbx]',
      `monitor_dir = ${monitorDir}`,
      'trunks = trunk-provider',
      'inbound_contexts = from-trunk',
      'timezone = UTC',
      '[ivr]',
      'ivr-main = 700,Main menu',
      '',
    ].join('\n'),
  );
  const relay = spawn(process.execPath, [join(ROOT, 'bin', 'coocenter-relay.js'), '--config', conf], {
    env: { ...env, LOG_LEVEL: env.LOG_LEVEL ?? 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await waitForPort(lanPort, 30_000, () => relay.exitCode === null);
  // Wait until the relay's tunnel is up, so the printed commands work at once.
  for (let i = 0; i < 100; i++) {
    const s = await json(`${cloud.url}/v1/tenants/${demo.tenantId}/sites/${demo.siteId}`, { method: 'GET', headers: { authorization: `Bearer ${demo.apiKey}` } });
    if (s.relay.connected && s.relay.amiConnected) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const demoCalls = new DemoTraffic(sim, { logger });
  demoCalls.start();

  const site = `${cloud.url}/sites/${demo.siteId}/coocenter-api`;
  const bearer = `-H 'Authorization: Bearer ${demo.apiKey}'`;
  out('');
  out('coocenter demo is running: cloud, relay and a simulated call center (demo calls every few seconds).');
  out('');
  out(`  cloud        ${cloud.url}            (admin token: ${adminToken})`);
  out(`  console      ${cloud.url}/console/#key=${encodeURIComponent(demo.apiKey)}   (signs in as the demo tenant)`);
  out(`  relay (LAN)  http://127.0.0.1:${lanPort}/coocenter-api   config ${conf}`);
  out(`  PBX (AMI)    127.0.0.1:${sim.port}               simulated Asterisk 20, admin/secret`);
  out(`  tenant ${demo.tenantId}, site ${demo.siteId}`);
  out('');
  out('Try, through the cloud (the tenant key):');
  out(`  curl -s -X POST ${bearer} ${site}/extensions/current-calls`);
  out(`  curl -s ${bearer} ${site}/queues/queue-info`);
  out(`  curl -s -X POST ${bearer} -d 'src=801&dst=802' ${site}/extensions/click-number`);
  out(`  curl -s ${bearer} ${cloud.url}/v1/tenants/${demo.tenantId}/sites/${demo.siteId}`);
  out('With the box\'s own WEBKEY header, as an existing integration would:');
  out(`  curl -s -H "Authorization: $(printf '%s' '${demo.webkey}'$(date -u +%F) | md5sum | cut -d' ' -f1)" ${site}/extensions/extension-status`);
  out('On the LAN, exactly like the old box:');
  out(`  curl -s -H "Authorization: $(printf '%s' '${demo.webkey}'$(date -u +%F) | md5sum | cut -d' ' -f1)" http://127.0.0.1:${lanPort}/coocenter-api/blacklist/index`);
  out('');
  out(`Events the relay pushes to its LAN URL (a stand-in CRM) are counted below. Ctrl-C to stop.`);
  const ticker = setInterval(() => logger.warn('demo', { crmEventsReceived: crm.count() }), 30_000);
  ticker.unref();

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    demoCalls.stop();
    relay.kill('SIGTERM');
    await new Promise((r) => relay.once('exit', r));
    crm.close();
    await sim.close();
    await cloud.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  relay.once('exit', (code) => {
    if (!stopping) {
      process.stderr.write(`relay exited (${code}); stopping\n`);
      void stop();
    }
  });
}

main().catch((err) => {
  process.stderr.write(`npm start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
