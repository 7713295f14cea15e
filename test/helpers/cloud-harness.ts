/**
 * A local cloud for tests: the real server on loopback, on the shared DynamoDB
 * Local of this test run, with its own table prefix so test files never see
 * each other's data.
 */
import { inject } from 'vitest';
import { startLocalCloud, type LocalCloud, type LocalCloudOptions } from '../../cloud/src/local/server.js';
import { randomId } from '../../cloud/src/store/secrets.js';
import { CONSOLE_OUT } from '../../scripts/build-console.js';
import { rawRequest } from './raw-http.js';
import { quietLogger, tempDir } from './relay-harness.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export async function startTestCloud(extra: Partial<LocalCloudOptions> = {}): Promise<LocalCloud> {
  return startLocalCloud({
    port: 0,
    dataDir: tempDir('cloud-'),
    adminToken: ADMIN_TOKEN,
    dynamoEndpoint: inject('dynamoEndpoint'),
    sqsEndpoint: inject('sqsEndpoint'),
    allowPrivateWebhooks: true,
    tablePrefix: randomId('t'),
    logger: quietLogger,
    consoleDir: CONSOLE_OUT,
    ...extra,
  });
}

export interface Api {
  (method: string, path: string, init?: { token?: string; body?: unknown; headers?: Record<string, string>; form?: Record<string, string> }): Promise<{ status: number; body: any; text: string; headers: Headers }>;
}

/** Small fetch wrapper: JSON in, status + parsed body out. */
export function api(base: string): Api {
  return async (method, path, init = {}) => {
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    let body: string | undefined;
    if (init.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.body);
    } else if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const res = await fetch(base + path, { method, headers, body, redirect: 'manual' });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed, text, headers: res.headers };
  };
}

/** Create a tenant and a site through the admin API. */
export async function tenantAndSite(call: Api, opts: { webkey?: string } = {}) {
  const tenant = await call('POST', '/v1/tenants', { token: ADMIN_TOKEN, body: { name: 'Acme' } });
  if (tenant.status !== 201) throw new Error(`tenant: ${tenant.status} ${tenant.text}`);
  const site = await call('POST', `/v1/tenants/${tenant.body.id}/sites`, { token: tenant.body.apiKey, body: { name: 'HQ', ...(opts.webkey ? { webkey: opts.webkey } : {}) } });
  if (site.status !== 201) throw new Error(`site: ${site.status} ${site.text}`);
  return { tenantId: tenant.body.id as string, apiKey: tenant.body.apiKey as string, siteId: site.body.id as string, relayToken: site.body.relayToken as string };
}

/** GET a path exactly as written (fetch would normalise `%2e%2e` away before sending). */
export async function rawGet(base: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const r = await rawRequest(new URL(base).host, { method: 'GET', path, headers });
  return { status: r.status, body: r.body };
}
