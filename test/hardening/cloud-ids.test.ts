/**
 * Ids have a known shape (issue 16, defect 3): anything else is refused
 * before any look-up, so an id DynamoDB cannot even take as a key (over about
 * 2 KB) is a 404 in a path and a 400 in a body or query, never a 500, with or
 * without credentials. Real local cloud on DynamoDB Local.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../cloud/src/local/server.js';
import { rawRequest } from '../helpers/raw-http.js';
import { api, startTestCloud, tenantAndSite, type Api } from '../helpers/cloud-harness.js';

const LONG = 'x'.repeat(3000);
/** Well-formed ids that name nothing. */
const NO_SITE = 'site_0000000000000000';
const NO_WEBHOOK = 'wh_0000000000000000';

let cloud: LocalCloud;
let call: Api;
let a: Awaited<ReturnType<typeof tenantAndSite>>;

beforeAll(async () => {
  cloud = await startTestCloud();
  call = api(cloud.url);
  a = await tenantAndSite(call, { webkey: 'box-webkey' });
});
afterAll(async () => cloud.stop());

describe('a path id of the wrong shape is 404, before any look-up', () => {
  it.each([LONG, 'site_abc', `${NO_SITE}x`, 'SITE_0000000000000000', 'site_000000000000000%2F'])('box API of site %#', async (id) => {
    const variants: Array<Record<string, string>> = [{}, { authorization: 'b2e8f2c6f8b1f5a1d2c3e4f5a6b7c8d9' }, { authorization: `Bearer ${a.apiKey}` }];
    for (const headers of variants) {
      const r = await call('GET', `/sites/${id}/coocenter-api/queues/queue-info`, { headers });
      expect(r.status, JSON.stringify(headers)).toBe(404);
      expect(r.body).toEqual({ status: 'error', message: 'not found' });
    }
  });

  it('sites and webhooks of a tenant', async () => {
    const token = a.apiKey;
    for (const path of [
      `/v1/tenants/${a.tenantId}/sites/${LONG}`,
      `/v1/tenants/${a.tenantId}/sites/site_abc`,
      `/v1/tenants/${a.tenantId}/webhooks/${LONG}`,
      `/v1/tenants/${a.tenantId}/webhooks/${LONG}/deliveries`,
      `/v1/tenants/${LONG}/sites`,
    ]) {
      expect((await call('GET', path, { token })).status, path).toBe(404);
    }
    expect((await call('POST', `/v1/tenants/${a.tenantId}/sites/${LONG}/relay-token`, { token })).status).toBe(404);
    expect((await call('PATCH', `/v1/tenants/${a.tenantId}/webhooks/${LONG}`, { token, body: { ordered: true } })).status).toBe(404);
    expect((await call('DELETE', `/v1/tenants/${a.tenantId}/webhooks/${LONG}`, { token })).status).toBe(404);
    for (const action of ['rotate-secret', 'test', 'replay']) {
      expect((await call('POST', `/v1/tenants/${a.tenantId}/webhooks/${LONG}/${action}`, { token, body: {} })).status, action).toBe(404);
    }
    // Well-formed but unknown: the same answer.
    expect((await call('GET', `/v1/tenants/${a.tenantId}/sites/${NO_SITE}`, { token })).status).toBe(404);
    expect((await call('GET', `/v1/tenants/${a.tenantId}/webhooks/${NO_WEBHOOK}`, { token })).status).toBe(404);
  });
});

describe('credentials carrying an id of the wrong shape are refused like wrong ones', () => {
  it('a tenant key', async () => {
    const r = await call('GET', `/v1/tenants/${a.tenantId}/sites`, { token: `ck.${LONG}.${'s'.repeat(43)}` });
    expect([r.status, r.body]).toEqual([401, { status: 'error', code: 'unauthorized', message: 'invalid or missing tenant API key' }]);
    const box = await call('GET', `/sites/${a.siteId}/coocenter-api/queues/queue-info`, { token: `ck.${LONG}.${'s'.repeat(43)}` });
    expect(box.status).toBe(401);
  });

  it('a relay token', async () => {
    const headers = { authorization: `Bearer rt.${LONG}.${'s'.repeat(43)}`, connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' };
    const res = await rawRequest(new URL(cloud.url).host, { method: 'GET', path: '/relay', headers });
    expect(res.status).toBe(401);
  });
});

describe('a body or query id of the wrong shape is 400', () => {
  it('siteIds of a webhook', async () => {
    for (const siteIds of [[LONG], ['site_abc'], [a.siteId, 'site_0000000000000000/x'], [42]]) {
      const r = await call('POST', `/v1/tenants/${a.tenantId}/webhooks`, { token: a.apiKey, body: { url: 'http://127.0.0.1:9/x', siteIds } });
      expect(r.status, JSON.stringify(siteIds).slice(0, 60)).toBe(400);
      expect(r.body.message).toMatch(/^siteIds: /);
    }
    // Well-formed but not the tenant's: 400 as before, naming it.
    const other = await call('POST', `/v1/tenants/${a.tenantId}/webhooks`, { token: a.apiKey, body: { url: 'http://127.0.0.1:9/x', siteIds: [NO_SITE] } });
    expect([other.status, other.body.message]).toEqual([400, `siteIds: no site ${NO_SITE} in this tenant`]);
  });

  it('siteId of a CDR search and of statistics', async () => {
    for (const path of ['cdrs', 'stats']) {
      for (const id of [LONG, 'site_abc']) {
        const r = await call('GET', `/v1/tenants/${a.tenantId}/${path}?siteId=${id}`, { token: a.apiKey });
        expect([r.status, r.body.message.slice(0, 8)], `${path} ${id.slice(0, 10)}`).toEqual([400, 'siteId: ']);
      }
    }
  });
});
