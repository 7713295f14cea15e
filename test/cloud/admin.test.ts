import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../cloud/src/local/server.js';
import { ADMIN_TOKEN, api, startTestCloud, tenantAndSite, type Api } from '../helpers/cloud-harness.js';

let cloud: LocalCloud;
let call: Api;

beforeAll(async () => {
  cloud = await startTestCloud();
  call = api(cloud.url);
});
afterAll(async () => cloud.stop());

describe('admin API', () => {
  it('creates a tenant with the admin token only', async () => {
    expect((await call('POST', '/v1/tenants', { body: { name: 'x' } })).status).toBe(401);
    expect((await call('POST', '/v1/tenants', { token: 'wrong', body: { name: 'x' } })).status).toBe(401);
    expect((await call('POST', '/v1/tenants', { token: ADMIN_TOKEN, body: {} })).status).toBe(400);
    const r = await call('POST', '/v1/tenants', { token: ADMIN_TOKEN, body: { name: 'Acme GmbH' } });
    expect(r.status).toBe(201);
    expect(Object.keys(r.body).sort()).toEqual(['apiKey', 'id', 'name']);
    expect(r.body.name).toBe('Acme GmbH');
    expect(r.body.apiKey).toMatch(/^ck\./);
  });

  it('creates, lists and shows sites with their relay status, for their own tenant only', async () => {
    const a = await tenantAndSite(call);
    const b = await tenantAndSite(call);
    const list = await call('GET', `/v1/tenants/${a.tenantId}/sites`, { token: a.apiKey });
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0]).toMatchObject({ id: a.siteId, name: 'HQ', relay: { connected: false, since: null, version: null, amiConnected: false } });
    const one = await call('GET', `/v1/tenants/${a.tenantId}/sites/${a.siteId}`, { token: a.apiKey });
    expect(one.body.relay.connected).toBe(false);
    // Tenant A's key on tenant B's resources: indistinguishable from missing ones.
    expect((await call('GET', `/v1/tenants/${b.tenantId}/sites`, { token: a.apiKey })).status).toBe(404);
    expect((await call('GET', `/v1/tenants/${a.tenantId}/sites/${b.siteId}`, { token: a.apiKey })).status).toBe(404);
    expect((await call('GET', `/v1/tenants/${a.tenantId}/sites/site_doesnotexist`, { token: a.apiKey })).status).toBe(404);
    expect((await call('POST', `/v1/tenants/${a.tenantId}/sites/${b.siteId}/relay-token`, { token: a.apiKey })).status).toBe(404);
    expect((await call('GET', `/v1/tenants/${a.tenantId}/sites`, { token: 'ck.' + a.tenantId + '.forgedsecretforgedsecret' })).status).toBe(401);
  });

  it('rotates a relay token: the new one differs and the old one stops working', async () => {
    const a = await tenantAndSite(call);
    const r = await call('POST', `/v1/tenants/${a.tenantId}/sites/${a.siteId}/relay-token`, { token: a.apiKey });
    expect(r.status).toBe(200);
    expect(r.body.relayToken).toMatch(/^rt\./);
    expect(r.body.relayToken).not.toBe(a.relayToken);
    expect(await cloud.deps.accounts.siteForRelayToken(a.relayToken)).toBeUndefined();
    expect((await cloud.deps.accounts.siteForRelayToken(r.body.relayToken))?.id).toBe(a.siteId);
  });

  it('stores no secret in clear', async () => {
    const a = await tenantAndSite(call, { webkey: 'asjdfjklkasdf' });
    const site = await cloud.deps.accounts.getSite(a.siteId);
    const raw = JSON.stringify(site);
    expect(raw).not.toContain(a.relayToken.split('.')[2]);
    expect(raw).not.toContain('asjdfjklkasdf');
    expect(site?.relayTokenHash).toMatch(/^[0-9a-f]{64}$/);
  });
});
