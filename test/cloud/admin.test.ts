import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../cloud/src/local/server.js';
import { typedApi } from '../helpers/api-document.js';
import { ADMIN_TOKEN, startTestCloud } from '../helpers/cloud-harness.js';

// Through the typed client (client/), every answer held to the API document.
let cloud: LocalCloud;
const operator = () => typedApi(cloud.url, ADMIN_TOKEN);

beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(async () => cloud.stop());

/** A tenant and a site, through the API. */
async function tenantAndSite(opts: { webkey?: string } = {}) {
  const tenant = await operator().POST('/v1/tenants', { body: { name: 'Acme' } });
  if (!tenant.data) throw new Error(`tenant: ${tenant.response.status}`);
  const site = await typedApi(cloud.url, tenant.data.apiKey).POST('/v1/tenants/{tenantId}/sites', {
    params: { path: { tenantId: tenant.data.id } },
    body: { name: 'HQ', ...(opts.webkey ? { webkey: opts.webkey } : {}) },
  });
  if (!site.data) throw new Error(`site: ${site.response.status}`);
  return { tenantId: tenant.data.id, apiKey: tenant.data.apiKey, siteId: site.data.id, relayToken: site.data.relayToken };
}

describe('admin API', () => {
  it('creates a tenant with the admin token only', async () => {
    expect((await typedApi(cloud.url).POST('/v1/tenants', { body: { name: 'x' } })).error?.code).toBe('unauthorized');
    expect((await typedApi(cloud.url, 'wrong').POST('/v1/tenants', { body: { name: 'x' } })).response.status).toBe(401);
    const missing = await operator().POST('/v1/tenants', { body: {} as { name: string } });
    expect(missing.response.status).toBe(400);
    expect(missing.error).toMatchObject({ code: 'invalid-field', details: { field: 'name' } });
    const r = await operator().POST('/v1/tenants', { body: { name: 'Acme GmbH' } });
    expect(r.response.status).toBe(201);
    expect(Object.keys(r.data ?? {}).sort()).toEqual(['apiKey', 'id', 'name']);
    expect(r.data?.name).toBe('Acme GmbH');
    expect(r.data?.apiKey).toMatch(/^ck\./);
  });

  it('creates, lists and shows sites with their relay status, for their own tenant only', async () => {
    const a = await tenantAndSite();
    const b = await tenantAndSite();
    const asA = typedApi(cloud.url, a.apiKey);
    const list = await asA.GET('/v1/tenants/{tenantId}/sites', { params: { path: { tenantId: a.tenantId } } });
    expect(list.response.status).toBe(200);
    expect(list.data?.data).toHaveLength(1);
    expect(list.data?.data[0]).toMatchObject({ id: a.siteId, name: 'HQ', relay: { connected: false, since: null, version: null, amiConnected: false } });
    const one = await asA.GET('/v1/tenants/{tenantId}/sites/{siteId}', { params: { path: { tenantId: a.tenantId, siteId: a.siteId } } });
    expect(one.data?.relay.connected).toBe(false);
    // Tenant A's key on tenant B's resources: indistinguishable from missing ones.
    const status = async (p: Promise<{ response: Response }>) => (await p).response.status;
    expect(await status(asA.GET('/v1/tenants/{tenantId}/sites', { params: { path: { tenantId: b.tenantId } } }))).toBe(404);
    expect(await status(asA.GET('/v1/tenants/{tenantId}/sites/{siteId}', { params: { path: { tenantId: a.tenantId, siteId: b.siteId } } }))).toBe(404);
    expect(await status(asA.GET('/v1/tenants/{tenantId}/sites/{siteId}', { params: { path: { tenantId: a.tenantId, siteId: 'site_doesnotexist' } } }))).toBe(404);
    expect(await status(asA.POST('/v1/tenants/{tenantId}/sites/{siteId}/relay-token', { params: { path: { tenantId: a.tenantId, siteId: b.siteId } } }))).toBe(404);
    const forged = typedApi(cloud.url, 'ck.' + a.tenantId + '.forgedsecretforgedsecret');
    expect(await status(forged.GET('/v1/tenants/{tenantId}/sites', { params: { path: { tenantId: a.tenantId } } }))).toBe(401);
  });

  it('rotates a relay token: the new one differs and the old one stops working', async () => {
    const a = await tenantAndSite();
    const r = await typedApi(cloud.url, a.apiKey).POST('/v1/tenants/{tenantId}/sites/{siteId}/relay-token', { params: { path: { tenantId: a.tenantId, siteId: a.siteId } } });
    expect(r.response.status).toBe(200);
    const rotated = r.data?.relayToken ?? '';
    expect(rotated).toMatch(/^rt\./);
    expect(rotated).not.toBe(a.relayToken);
    expect(await cloud.deps.accounts.siteForRelayToken(a.relayToken)).toBeUndefined();
    expect((await cloud.deps.accounts.siteForRelayToken(rotated))?.id).toBe(a.siteId);
  });

  it('stores no secret in clear', async () => {
    const a = await tenantAndSite({ webkey: 'asjdfjklkasdf' });
    const site = await cloud.deps.accounts.getSite(a.siteId);
    const raw = JSON.stringify(site);
    expect(raw).not.toContain(a.relayToken.split('.')[2]);
    expect(raw).not.toContain('asjdfjklkasdf');
    expect(site?.relayTokenHash).toMatch(/^[0-9a-f]{64}$/);
  });
});
