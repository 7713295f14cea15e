/**
 * Agent links on both runtimes, through the typed client: a credential for
 * one extension of one site that can do what the agent toolbar does and
 * nothing else. What a user notices: the link shown once with its console
 * URL, listed per site without its secret, every route or command outside
 * the toolbar's refused with 403 `insufficient-scope` saying what the link
 * is for (another site, another extension, spy, blacklist, webhooks, CDR
 * search, API keys), its own commands let through to the relay, and a
 * revocation refused on the very next request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { typedApi, validatedApi } from '../helpers/api-document.js';
import { tenantAndSite, type Api } from '../helpers/cloud-harness.js';
import { cloudRuntimes, type RunningCloud } from '../helpers/runtimes.js';

describe.each(cloudRuntimes)('agent links on $name', (runtime) => {
  let cloud: RunningCloud;
  let call: Api;
  let t: Awaited<ReturnType<typeof tenantAndSite>>;
  let otherSiteId: string;
  const as = (token: string) => typedApi(cloud.url, token);

  beforeAll(async () => {
    cloud = await runtime.start();
    call = validatedApi(cloud.url);
    t = await tenantAndSite(call);
    const other = await as(t.apiKey).POST('/v1/tenants/{tenantId}/sites', { params: { path: { tenantId: t.tenantId } }, body: { name: 'Branch' } });
    otherSiteId = other.data!.id;
  });
  afterAll(async () => cloud.stop());

  const sitePath = (siteId = t.siteId) => ({ params: { path: { tenantId: t.tenantId, siteId } } });
  const newLink = async (extension: string, extra: { name?: string; expiresInDays?: number } = {}) => {
    const r = await as(t.apiKey).POST('/v1/tenants/{tenantId}/sites/{siteId}/agent-links', { ...sitePath(), body: { extension, ...extra } });
    expect(r.response.status, JSON.stringify(r.error)).toBe(201);
    return r.data!;
  };

  it('is shown once with the console link, listed per site without its secret, and says who it is', async () => {
    const link = await newLink('801', { name: 'Eve', expiresInDays: 30 });
    expect(link).toMatchObject({ name: 'Eve', siteId: t.siteId, extension: '801', lastUsedAt: null });
    expect(link.credential).toMatch(new RegExp(`^ck\\.${t.tenantId}\\.${link.id}\\.[A-Za-z0-9_-]{43}$`));
    // The cloud's own origin (API Gateway serves only HTTPS: the Lambda runtime says https whatever its stand-in speaks).
    const origin = new URL(cloud.url);
    expect(link.link).toBe(`${runtime.name.includes('Lambda') ? 'https:' : origin.protocol}//${origin.host}/console/#agent=${encodeURIComponent(link.credential)}`);
    expect(Date.parse(link.expiresAt!) - Date.parse(link.createdAt)).toBe(30 * 86_400_000);

    const list = await as(t.apiKey).GET('/v1/tenants/{tenantId}/sites/{siteId}/agent-links', sitePath());
    expect(list.data?.data.map((l) => [l.id, l.extension, l.name])).toEqual([[link.id, '801', 'Eve']]);
    expect(JSON.stringify(list.data)).not.toContain(link.credential.split('.')[3]);
    // Not another site's, and not among the tenant's API keys.
    expect((await as(t.apiKey).GET('/v1/tenants/{tenantId}/sites/{siteId}/agent-links', sitePath(otherSiteId))).data?.data).toEqual([]);
    expect((await as(t.apiKey).GET('/v1/tenants/{tenantId}/api-keys', { params: { path: { tenantId: t.tenantId } } })).data?.data.map((k) => k.id)).not.toContain(link.id);

    const me = await as(link.credential).GET('/v1/tenants/{tenantId}/whoami', { params: { path: { tenantId: t.tenantId } } });
    expect(me.data).toEqual({ tenantId: t.tenantId, keyId: link.id, scopes: ['agent'], agent: { siteId: t.siteId, extension: '801' } });
    const admin = await as(t.apiKey).GET('/v1/tenants/{tenantId}/whoami', { params: { path: { tenantId: t.tenantId } } });
    expect(admin.data).toMatchObject({ scopes: ['admin'], agent: null });
  });

  it('reads its own site and live state, and nothing else of the tenant', async () => {
    const { credential } = await newLink('802');
    expect((await as(credential).GET('/v1/tenants/{tenantId}/sites/{siteId}', sitePath())).response.status).toBe(200);
    expect((await as(credential).GET('/v1/tenants/{tenantId}/sites/{siteId}/live', sitePath())).response.status).toBe(200);
    const tenant = `/v1/tenants/${t.tenantId}`;
    const refused = [
      ['GET', `${tenant}/sites/${otherSiteId}`, undefined, `not site ${otherSiteId}`],
      ['GET', `${tenant}/sites/${otherSiteId}/live`, undefined, `not site ${otherSiteId}`],
      ['GET', `${tenant}/sites`, undefined, 'not this route'],
      ['GET', `${tenant}/cdrs`, undefined, 'not this route'],
      ['GET', `${tenant}/stats`, undefined, 'not this route'],
      ['GET', `${tenant}/webhooks`, undefined, 'not this route'],
      ['POST', `${tenant}/webhooks`, { url: 'https://crm.example.com/hook' }, 'not this route'],
      ['GET', `${tenant}/api-keys`, undefined, 'not this route'],
      ['POST', `${tenant}/sites/${t.siteId}/agent-links`, { extension: '803' }, 'not this route'],
      ['PATCH', `${tenant}/sites/${t.siteId}`, { name: 'mine' }, 'not this route'],
      ['POST', `${tenant}/stream-tickets`, { siteIds: [otherSiteId] }, `not site ${otherSiteId}`],
      ['POST', `${tenant}/stream-tickets`, { extensions: ['801'] }, 'not extension 801'],
    ] as const;
    for (const [method, path, body, why] of refused) {
      const r = await call(method, path, { token: credential, body });
      expect(r.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(403);
      expect(r.body).toMatchObject({ code: 'insufficient-scope', details: { required: 'agent', siteId: t.siteId, extension: '802' } });
      expect(r.body.message).toBe(`an agent link acts only for extension 802 of site ${t.siteId}: ${why}`);
    }
    // Its own stream: a ticket, whatever it asks within its site and extension.
    const ticket = await as(credential).POST('/v1/tenants/{tenantId}/stream-tickets', { params: { path: { tenantId: t.tenantId } }, body: { siteIds: [t.siteId], extensions: ['802'] } });
    expect(ticket.response.status).toBe(201);
    expect((await as(credential).POST('/v1/tenants/{tenantId}/stream-tickets', { params: { path: { tenantId: t.tenantId } }, body: {} })).response.status).toBe(201);
  });

  it('runs the toolbar\'s commands for its own extension only, on its own site only', async () => {
    const { credential } = await newLink('803');
    const boxApi = (siteId = t.siteId) => `/sites/${siteId}/coocenter-api`;
    // Its own: past every check, to the relay (offline here: 503, as for the admin key).
    const own = [
      ['/queues/agent-pause', { queue: '500', member: '803', state: 'on' }],
      ['/queues/agent-login', { extension: '803', queue: '500' }],
      ['/queues/agent-logout', { extension: '803', queue: '500' }],
      ['/extensions/click-number', { src: '803', dst: '0612345678' }],
      ['/extensions/hangup', { extension: '803' }],
      ['/extensions/transfer', { src: '803', dst: '804' }],
    ] as const;
    for (const [path, form] of own) {
      const r = await call('POST', `${boxApi()}${path}`, { token: credential, form });
      expect(r.status, `${path} ${JSON.stringify(r.body)}`).toBe(503);
    }
    const refused = [
      ['POST', boxApi(), '/queues/agent-pause', { queue: '500', member: '804', state: 'on' }, 'member must be 803'],
      ['POST', boxApi(), '/queues/agent-login', { extension: '804', queue: '500' }, 'extension must be 803'],
      ['POST', boxApi(), '/extensions/click-number', { src: '804', dst: '803' }, 'src must be 803'],
      ['POST', boxApi(), '/extensions/hangup', { extension: '801' }, 'extension must be 803'],
      ['POST', boxApi(), '/extensions/transfer', { src: '801', dst: '803' }, 'src must be 803'],
      ['POST', boxApi(), '/extensions/extenSpy', { src: '803', dst: '801' }, 'it may not run spy'],
      ['POST', boxApi(), '/blacklist/create', { number: '0612345678' }, 'it may not run blacklistAdd'],
      ['GET', boxApi(), '/blacklist/index', undefined, 'it may not run blacklist'],
      ['GET', boxApi(), '/queues/queue-info', undefined, 'it may not run queueInfo'],
      ['POST', boxApi(), '/extensions/current-calls', undefined, 'it may not run currentCalls'],
      ['GET', boxApi(), '/monitor/2026/11/24/call.wav', undefined, 'it may not run recording'],
      ['POST', boxApi(otherSiteId), '/extensions/hangup', { extension: '803' }, `not site ${otherSiteId}`],
    ] as const;
    for (const [method, base, path, form, why] of refused) {
      const r = await call(method, `${base}${path}`, { token: credential, form });
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(r.body).toEqual({ status: 'error', message: `an agent link acts only for extension 803 of site ${t.siteId}: ${why}` });
    }
  });

  it('is revoked at once: refused on the very next request, /v1 and box API alike', async () => {
    const link = await newLink('804');
    expect((await as(link.credential).GET('/v1/tenants/{tenantId}/sites/{siteId}', sitePath())).response.status).toBe(200);
    // Not through the API keys' route (it is no key), nor through another site.
    expect((await as(t.apiKey).DELETE('/v1/tenants/{tenantId}/api-keys/{keyId}', { params: { path: { tenantId: t.tenantId, keyId: link.id } } })).response.status).toBe(404);
    const revoke = (siteId: string) => as(t.apiKey).DELETE('/v1/tenants/{tenantId}/sites/{siteId}/agent-links/{linkId}', { params: { path: { tenantId: t.tenantId, siteId, linkId: link.id } } });
    expect((await revoke(otherSiteId)).response.status).toBe(404);
    expect((await revoke(t.siteId)).response.status).toBe(204);
    const after = await as(link.credential).GET('/v1/tenants/{tenantId}/sites/{siteId}', sitePath());
    expect([after.response.status, after.error?.code]).toEqual([401, 'unauthorized']);
    expect((await call('POST', `/sites/${t.siteId}/coocenter-api/extensions/hangup`, { token: link.credential, form: { extension: '804' } })).status).toBe(401);
    expect((await as(t.apiKey).GET('/v1/tenants/{tenantId}/sites/{siteId}/agent-links', sitePath())).data?.data.map((l) => l.id)).not.toContain(link.id);
    expect((await revoke(t.siteId)).response.status).toBe(404);
  });

  it('is made by an admin key for an extension of one of the tenant\'s sites, with a bounded lifetime', async () => {
    const read = await as(t.apiKey).POST('/v1/tenants/{tenantId}/api-keys', { params: { path: { tenantId: t.tenantId } }, body: { name: 'analyst', scopes: ['read'] } });
    const byReader = await call('POST', `/v1/tenants/${t.tenantId}/sites/${t.siteId}/agent-links`, { token: read.data!.key, body: { extension: '801' } });
    expect([byReader.status, byReader.body.code]).toEqual([403, 'insufficient-scope']);
    const path = `/v1/tenants/${t.tenantId}/sites/${t.siteId}/agent-links`;
    const cases = [
      [{}, 'invalid-field'],
      [{ extension: '80 1' }, 'invalid-field'],
      [{ extension: '801', expiresInDays: 0 }, 'invalid-field'],
      [{ extension: '801', expiresInDays: 366 }, 'invalid-field'],
      [{ extension: '801', scopes: ['admin'] }, 'unknown-field'],
    ] as const;
    for (const [body, code] of cases) {
      const r = await call('POST', path, { token: t.apiKey, body });
      expect([r.status, r.body.code], JSON.stringify(body)).toEqual([400, code]);
    }
    const other = await tenantAndSite(call);
    const foreign = await call('POST', `/v1/tenants/${t.tenantId}/sites/${other.siteId}/agent-links`, { token: t.apiKey, body: { extension: '801' } });
    expect(foreign.status).toBe(404);
  });
});
