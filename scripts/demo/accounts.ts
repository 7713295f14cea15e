/**
 * The demo's tenant and site, created through the cloud's own API and kept in
 * `demo.json` (with the keys it was given: mode 0600) so a restart reuses
 * them; and the one way the demo writes a file holding secrets.
 */

import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Demo {
  adminToken: string;
  tenantId: string;
  apiKey: string;
  siteId: string;
  relayToken: string;
  webkey: string;
  /** An agent link's credential for DEMO_AGENT_EXTENSION (older demo.json files have none). */
  agentCredential?: string;
}

/** The extension the demo's agent link is for: Eve Agent, a member of queue 630 in the simulator's lab. */
export const DEMO_AGENT_EXTENSION = '804';

/** Write a file only its owner may read, whatever mode an older copy had. */
export function writeSecretFile(file: string, text: string): void {
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600);
}

const demoFile = (dataDir: string) => join(dataDir, 'demo.json');

/** What an earlier run kept, if anything. */
export function savedDemo(dataDir: string): Demo | undefined {
  const file = demoFile(dataDir);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Demo) : undefined;
}

async function json(url: string, init: RequestInit): Promise<any> {
  const res = await fetch(url, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${text}`);
  return JSON.parse(text);
}

/** Whether the saved tenant and site still exist in this cloud (its data may have been wiped). */
export async function stillThere(cloudUrl: string, saved: Demo): Promise<boolean> {
  const res = await fetch(`${cloudUrl}/v1/tenants/${saved.tenantId}/sites/${saved.siteId}`, { headers: { authorization: `Bearer ${saved.apiKey}` } });
  await res.arrayBuffer();
  return res.ok;
}

export async function createDemo(cloudUrl: string, dataDir: string, adminToken: string): Promise<Demo> {
  const post = (path: string, token: string, body: unknown) =>
    json(`${cloudUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const webkey = randomBytes(9).toString('base64url');
  const tenant = await post('/v1/tenants', adminToken, { name: 'Demo Call Center' });
  const site = await post(`/v1/tenants/${tenant.id}/sites`, tenant.apiKey, { name: 'Headquarters', webkey, timezone: 'UTC' });
  const demo: Demo = { adminToken, tenantId: tenant.id, apiKey: tenant.apiKey, siteId: site.id, relayToken: site.relayToken, webkey };
  writeSecretFile(demoFile(dataDir), JSON.stringify(demo, null, 2));
  return demo;
}

/** The demo's agent link: the saved one while the cloud still takes it, else a new one (saved). */
export async function ensureAgentLink(cloudUrl: string, dataDir: string, demo: Demo): Promise<Demo> {
  if (demo.agentCredential) {
    const res = await fetch(`${cloudUrl}/v1/tenants/${demo.tenantId}/whoami`, { headers: { authorization: `Bearer ${demo.agentCredential}` } });
    await res.arrayBuffer();
    if (res.ok) return demo;
  }
  const made = await json(`${cloudUrl}/v1/tenants/${demo.tenantId}/sites/${demo.siteId}/agent-links`, {
    method: 'POST',
    headers: { authorization: `Bearer ${demo.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ extension: DEMO_AGENT_EXTENSION, name: 'Eve Agent (demo)' }),
  });
  const withLink = { ...demo, agentCredential: made.credential as string };
  writeSecretFile(demoFile(dataDir), JSON.stringify(withLink, null, 2));
  return withLink;
}

/** The site as the cloud shows it (relay.connected…). */
export const siteStatus = (cloudUrl: string, demo: Demo): Promise<{ relay: { connected: boolean; amiConnected?: boolean } }> =>
  json(`${cloudUrl}/v1/tenants/${demo.tenantId}/sites/${demo.siteId}`, { headers: { authorization: `Bearer ${demo.apiKey}` } });
