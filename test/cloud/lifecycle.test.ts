/**
 * Tenants and sites after creation, on both runtimes: a site renamed, its
 * zone and WEBKEY changed or removed; a site deleted while its relay is
 * connected (the relay is told why and closed, and refused when it dials
 * again); the operator's paged list of tenants; a tenant's CORS origins,
 * with a preflight and a real cross-origin call from an allowed origin and
 * from a refused one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { tunnelUrl } from '../../edge-relay/src/tunnel/connection.js';
import { typedApi, validatedApi } from '../helpers/api-document.js';
import { ADMIN_TOKEN, api, tenantAndSite, type Api } from '../helpers/cloud-harness.js';
import { cloudRuntimes, type RunningCloud } from '../helpers/runtimes.js';
import { waitFor } from '../helpers/wait.js';

describe.each(cloudRuntimes)('tenants and sites on $name', (runtime) => {
  let cloud: RunningCloud;
  let call: Api;
  let box: Api;

  beforeAll(async () => {
    cloud = await runtime.start();
    call = validatedApi(cloud.url);
    box = api(cloud.url);
  });
  // /v1 through the typed client (client/), every answer held to the API document;
  // `call` (validated, untyped) where a test sends what the types forbid; `box` for the box API.
  const as = (token: string) => typedApi(cloud.url, token);
  const siteOf = (t: { tenantId: string }, siteId: string) => ({ params: { path: { tenantId: t.tenantId, siteId } } });
  const tenantOf = (t: { tenantId: string }) => ({ params: { path: { tenantId: t.tenantId } } });
  afterAll(async () => cloud.stop());

  it('PATCH changes only what is sent: name, time zone, WEBKEY (null removes it)', async () => {
    const t = await tenantAndSite(call, { webkey: 'asjdfjklkasdf' });
    const path = `/v1/tenants/${t.tenantId}/sites/${t.siteId}`;
    const patch = (body: { name?: string; timezone?: string; webkey?: string | null }, token = t.apiKey, siteId = t.siteId) =>
      as(token).PATCH('/v1/tenants/{tenantId}/sites/{siteId}', { ...siteOf(t, siteId), body });
    const r = await patch({ name: '  HQ Berlin ', timezone: 'Europe/Berlin' });
    expect(r.response.status, JSON.stringify(r.error)).toBe(200);
    expect(r.data).toMatchObject({ id: t.siteId, name: 'HQ Berlin', timezone: 'Europe/Berlin', webkey: true });
    const list = await as(t.apiKey).GET('/v1/tenants/{tenantId}/sites', tenantOf(t));
    expect(list.data?.data.map((s) => s.name)).toEqual(['HQ Berlin']);
    expect((await patch({ webkey: null })).data).toMatchObject({ name: 'HQ Berlin', timezone: 'Europe/Berlin', webkey: false });
    expect((await patch({ webkey: 'n3w-key' })).data?.webkey).toBe(true);
    // Strict, scoped, and another tenant's site is not found.
    // An unknown field is what the types forbid: validated, untyped.
    const bad = await call('PATCH', path, { token: t.apiKey, body: { timeZone: 'Europe/Berlin' } });
    expect([bad.status, bad.body.code, bad.body.details.field]).toEqual([400, 'unknown-field', 'timeZone']);
    expect((await patch({ timezone: 'Mars/Olympus' })).error?.code).toBe('invalid-field');
    const other = await tenantAndSite(call);
    expect((await patch({ name: 'x' }, t.apiKey, other.siteId)).response.status).toBe(404);
    const read = await as(t.apiKey).POST('/v1/tenants/{tenantId}/api-keys', { ...tenantOf(t), body: { name: 'r', scopes: ['read'] } });
    expect((await patch({ name: 'x' }, read.data?.key ?? '')).error?.code).toBe('insufficient-scope');
  });

  it('DELETE disconnects the site\'s relay at once, saying why, and refuses it from then on', async () => {
    const t = await tenantAndSite(call);
    const site = siteOf(t, t.siteId);
    const relay = new WebSocket(tunnelUrl(cloud.relayUrl), { headers: { authorization: `Bearer ${t.relayToken}` } });
    const told: string[] = [];
    relay.on('message', (m) => told.push(String(m)));
    const closed = new Promise<{ code: number; reason: string }>((res) => relay.once('close', (code, reason) => res({ code, reason: String(reason) })));
    await new Promise((res) => relay.once('open', res));
    relay.send(JSON.stringify({ t: 'hello', v: 1, relay: 'test/1', amiConnected: true, lastSeq: 0 }));
    await waitFor(async () => (await as(t.apiKey).GET('/v1/tenants/{tenantId}/sites/{siteId}', site)).data?.relay.connected, { what: 'relay online' });

    const del = await as(t.apiKey).DELETE('/v1/tenants/{tenantId}/sites/{siteId}', site);
    expect(del.response.status, JSON.stringify(del.error)).toBe(204);
    const close = await closed;
    // The local hub closes with 4003 and the reason; API Gateway cannot set a close reason, so the cloud says it in an error frame first.
    expect(close.reason === 'site deleted' || told.some((f) => f.includes('"token-revoked"') && f.includes('site deleted'))).toBe(true);
    const again = new WebSocket(tunnelUrl(cloud.relayUrl), { headers: { authorization: `Bearer ${t.relayToken}` } });
    again.on('error', () => undefined); // the refused upgrade
    const refused = await new Promise<number>((res) => {
      again.once('unexpected-response', (_req, r) => res(r.statusCode ?? 0));
      again.once('open', () => res(101));
    });
    again.terminate();
    expect(refused).toBe(401);
    expect((await as(t.apiKey).GET('/v1/tenants/{tenantId}/sites/{siteId}', site)).response.status).toBe(404);
    expect((await as(t.apiKey).GET('/v1/tenants/{tenantId}/sites', tenantOf(t))).data?.data).toEqual([]);
    expect((await box('GET', `/sites/${t.siteId}/coocenter-api/queues/queue-info`, { token: t.apiKey })).status).toBe(404);
    expect((await as(t.apiKey).DELETE('/v1/tenants/{tenantId}/sites/{siteId}', site)).response.status).toBe(404);
  });

  it('lists tenants for the operator, a page at a time', async () => {
    const mine = [await tenantAndSite(call), await tenantAndSite(call), await tenantAndSite(call)].map((t) => t.tenantId);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 50; pages++) {
      const query: { limit: number; cursor?: string } = cursor ? { limit: 2, cursor } : { limit: 2 };
      const r = await as(ADMIN_TOKEN).GET('/v1/tenants', { params: { query } });
      expect(r.response.status, JSON.stringify(r.error)).toBe(200);
      if (!r.data) throw new Error('no page');
      expect(r.data.data.length).toBeLessThanOrEqual(2);
      seen.push(...r.data.data.map((x) => x.id));
      cursor = r.data.next;
      if (!cursor) break;
    }
    expect(seen).toEqual(expect.arrayContaining(mine));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...seen].sort());
    const tenantKey = (await tenantAndSite(call)).apiKey;
    expect((await as(tenantKey).GET('/v1/tenants')).response.status).toBe(401);
    expect((await as(ADMIN_TOKEN).GET('/v1/tenants', { params: { query: { limit: 0 } } })).error?.code).toBe('invalid-field');
  });

  it('CORS: preflights answered before authentication for the tenant\'s origins only; real calls carry the header', async () => {
    const t = await tenantAndSite(call);
    const tenant = `/v1/tenants/${t.tenantId}`;
    const cors = (corsOrigins: string[]) => as(t.apiKey).PATCH('/v1/tenants/{tenantId}', { ...tenantOf(t), body: { corsOrigins } });
    for (const origin of ['https://crm.example.com/', '*', 'ftp://crm.example.com', 'https://crm.example.com/app']) {
      const r = await cors([origin]);
      expect([r.response.status, r.error?.code], origin).toEqual([400, 'invalid-field']);
    }
    const tooMany = Array.from({ length: 21 }, (_, i) => `https://o${i}.example.com`);
    expect((await cors(tooMany)).response.status).toBe(400);
    const set = await cors(['https://crm.example.com', 'http://localhost:5173']);
    expect(set.response.status, JSON.stringify(set.error)).toBe(200);
    expect(set.data?.corsOrigins).toEqual(['https://crm.example.com', 'http://localhost:5173']);

    const preflight = (path: string, origin: string) =>
      fetch(cloud.url + path, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' } });
    for (const path of [`${tenant}/sites`, `/sites/${t.siteId}/coocenter-api/queues/agent-login`]) {
      const ok = await preflight(path, 'https://crm.example.com');
      expect(ok.status, path).toBe(204);
      expect(ok.headers.get('access-control-allow-origin')).toBe('https://crm.example.com');
      expect(ok.headers.get('access-control-allow-methods')).toContain('POST');
      expect(ok.headers.get('access-control-allow-headers')).toContain('authorization');
      const no = await preflight(path, 'https://evil.example.com');
      expect(no.status).toBe(403);
      expect(no.headers.get('access-control-allow-origin')).toBeNull();
      expect(((await no.json()) as { code: string }).code).toBe('origin-not-allowed');
    }

    const real = (origin: string) => fetch(`${cloud.url}${tenant}/sites`, { headers: { origin, authorization: `Bearer ${t.apiKey}` } });
    const allowed = await real('http://localhost:5173');
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(allowed.headers.get('access-control-expose-headers')).toContain('x-request-id');
    const refused = await real('https://evil.example.com');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    // An error answer reaches an allowed page too (it can show it).
    const unauth = await fetch(`${cloud.url}${tenant}/sites`, { headers: { origin: 'https://crm.example.com' } });
    expect(unauth.status).toBe(401);
    expect(unauth.headers.get('access-control-allow-origin')).toBe('https://crm.example.com');
  });
});
