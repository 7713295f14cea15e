/**
 * Named API keys and their scopes, on both runtimes (each request of the
 * Lambda runtime may land on another instance: a revocation must hold there
 * too). What a user notices: the key shown once, listed without its secret
 * and with when it was last used, refused on the very next request once
 * revoked, and each route or box command refused with 403
 * `insufficient-scope` naming the scope a key lacks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { paths } from '../../client/index.js';
import { typedApi, validatedApi } from '../helpers/api-document.js';
import { ADMIN_TOKEN, tenantAndSite, type Api } from '../helpers/cloud-harness.js';
import { cloudRuntimes, type RunningCloud } from '../helpers/runtimes.js';

type NewKeyBody = NonNullable<paths['/v1/tenants/{tenantId}/api-keys']['post']['requestBody']>['content']['application/json'];

describe.each(cloudRuntimes)('API keys and scopes on $name', (runtime) => {
  let cloud: RunningCloud;
  // /v1 through the typed client (client/), every answer held to the API document;
  // `call` (validated, untyped) where a test sends what the types forbid or loops over routes; `box` for the box API (validated too).
  let call: Api;
  let box: Api;
  let t: Awaited<ReturnType<typeof tenantAndSite>>;
  const as = (token: string) => typedApi(cloud.url, token);
  const tenantPath = () => ({ params: { path: { tenantId: t.tenantId } } });

  beforeAll(async () => {
    cloud = await runtime.start();
    call = validatedApi(cloud.url);
    box = validatedApi(cloud.url);
    t = await tenantAndSite(call);
  });
  afterAll(async () => cloud.stop());

  const newKey = async (name: string, scopes: NewKeyBody['scopes']) => {
    const r = await as(t.apiKey).POST('/v1/tenants/{tenantId}/api-keys', { ...tenantPath(), body: { name, scopes } });
    expect(r.response.status, JSON.stringify(r.error)).toBe(201);
    if (!r.data) throw new Error('no key');
    return r.data;
  };
  const listKeys = async () => (await as(t.apiKey).GET('/v1/tenants/{tenantId}/api-keys', tenantPath()));
  const listSites = async (token: string) => (await as(token).GET('/v1/tenants/{tenantId}/sites', tenantPath())).response.status;

  it('the key given at tenant creation is an admin key named "initial", listed without its secret', async () => {
    expect(t.apiKey).toMatch(/^ck\.ten_[a-z0-9]{16}\.key_[a-z0-9]{16}\.[A-Za-z0-9_-]{43}$/);
    const list = await listKeys();
    expect(list.response.status).toBe(200);
    expect(list.data?.data).toHaveLength(1);
    expect(list.data?.data[0]).toMatchObject({ id: t.apiKey.split('.')[2], name: 'initial', scopes: ['admin'] });
    // It was just used (the list itself): when, to the minute.
    expect(Date.now() - Date.parse(list.data?.data[0].lastUsedAt ?? '')).toBeLessThan(60_000);
    expect(JSON.stringify(list.data)).not.toContain(t.apiKey.split('.')[3]);
    expect(Object.keys(list.data?.data[0] ?? {}).sort()).toEqual(['createdAt', 'id', 'lastUsedAt', 'name', 'scopes']);
  });

  it('a key is shown once, and lastUsedAt is null until it is used, then written at most once a minute', async () => {
    const k = await newKey('dashboard', ['read']);
    expect(k.key).toMatch(new RegExp(`^ck\\.${t.tenantId}\\.${k.id}\\.`));
    const lastUsed = async () => (await listKeys()).data?.data.find((x) => x.id === k.id)?.lastUsedAt;
    expect(await lastUsed()).toBeNull();
    expect(await listSites(k.key)).toBe(200);
    const first = await lastUsed();
    expect(typeof first).toBe('string');
    expect(await listSites(k.key)).toBe(200);
    expect(await lastUsed()).toBe(first); // a second use within the minute writes nothing
  });

  it('refuses what a key\'s scopes do not grant, naming the scope needed', async () => {
    const read = await newKey('analyst', ['read']);
    const hooks = await newKey('crm webhooks', ['webhooks']);
    const calls = await newKey('softphone', ['calls']);
    const tenant = `/v1/tenants/${t.tenantId}`;

    expect(await listSites(read.key)).toBe(200);
    expect((await as(read.key).GET('/v1/tenants/{tenantId}/cdrs', tenantPath())).response.status).toBe(200);
    // One loop over routes and methods: validated, untyped.
    const denied = [
      [read.key, 'POST', `${tenant}/sites`, { name: 'x' }, 'admin'],
      [read.key, 'GET', `${tenant}/webhooks`, undefined, 'webhooks'],
      [read.key, 'GET', `${tenant}/api-keys`, undefined, 'admin'],
      [read.key, 'POST', `${tenant}/api-keys`, { name: 'mine', scopes: ['admin'] }, 'admin'],
      [hooks.key, 'GET', `${tenant}/cdrs`, undefined, 'read'],
      [calls.key, 'GET', `${tenant}/sites/${t.siteId}`, undefined, 'read'],
    ] as const;
    for (const [key, method, path, body, required] of denied) {
      const r = await call(method, path, { token: key, body });
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(r.body).toMatchObject({ status: 'error', code: 'insufficient-scope', details: { required } });
      expect(r.body.message).toContain(required);
    }
    expect((await as(hooks.key).GET('/v1/tenants/{tenantId}/webhooks', tenantPath())).response.status).toBe(200);
    // Another tenant's key is still a 404 first: scopes say nothing about a tenant it is not.
    const other = await tenantAndSite(call);
    expect((await as(read.key).GET('/v1/tenants/{tenantId}/sites', { params: { path: { tenantId: other.tenantId } } })).response.status).toBe(404);
  });

  it('the box API checks the scope per command: calls for writes, read for the rest', async () => {
    const read = await newKey('wallboard', ['read']);
    const calls = await newKey('dialer', ['calls']);
    const boxApi = `/sites/${t.siteId}/coocenter-api`;
    const login = { extension: '801', queue: '500' };
    // A write with a read key, and a read with a calls key: refused before the relay is asked.
    const w = await box('POST', `${boxApi}/queues/agent-login`, { token: read.key, form: login });
    expect(w.status).toBe(403);
    expect(w.body).toEqual({ status: 'error', message: 'this key lacks the calls scope' });
    const r = await box('GET', `${boxApi}/queues/queue-info`, { token: calls.key });
    expect(r.status).toBe(403);
    expect(r.body).toEqual({ status: 'error', message: 'this key lacks the read scope' });
    // Granted: they reach the relay, which is offline here (503), as with the admin key.
    expect((await box('GET', `${boxApi}/queues/queue-info`, { token: read.key })).status).toBe(503);
    expect((await box('POST', `${boxApi}/queues/agent-login`, { token: calls.key, form: login })).status).toBe(503);
    expect((await box('GET', `${boxApi}/queues/queue-info`, { token: t.apiKey })).status).toBe(503);
  });

  it('revokes a key at once: refused on the very next request, by /v1 and the box API alike', async () => {
    const k = await newKey('leaked', ['admin']);
    for (let i = 0; i < 3; i++) expect(await listSites(k.key)).toBe(200);
    const revoke = () => as(t.apiKey).DELETE('/v1/tenants/{tenantId}/api-keys/{keyId}', { params: { path: { tenantId: t.tenantId, keyId: k.id } } });
    const del = await revoke();
    expect(del.response.status, JSON.stringify(del.error)).toBe(204);
    const after = await as(k.key).GET('/v1/tenants/{tenantId}/sites', tenantPath());
    expect(after.response.status).toBe(401);
    expect(after.error?.code).toBe('unauthorized');
    expect((await box('GET', `/sites/${t.siteId}/coocenter-api/queues/queue-info`, { token: k.key })).status).toBe(401);
    const list = await listKeys();
    expect(list.data?.data.map((x) => x.id)).not.toContain(k.id);
    // Gone is gone: a second revocation, or another tenant's key id, is a 404.
    expect((await revoke()).response.status).toBe(404);
  });

  it('validates a new key: a name, known scopes, nothing else', async () => {
    const path = `/v1/tenants/${t.tenantId}/api-keys`;
    const cases = [
      [{ name: 'x', scopes: ['root'] }, 'invalid-field'],
      [{ name: 'x', scopes: [] }, 'invalid-field'],
      [{ name: 'x' }, 'invalid-field'],
      [{ name: 'x', scopes: ['read'], expires: 1 }, 'unknown-field'],
    ] as const;
    // Bodies the types forbid (unknown scope, missing field, unknown field): validated, untyped.
    for (const [body, code] of cases) {
      const r = await call('POST', path, { token: t.apiKey, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.code).toBe(code);
    }
    expect((await as(ADMIN_TOKEN).POST('/v1/tenants/{tenantId}/api-keys', { ...tenantPath(), body: { name: 'x', scopes: ['read'] } })).response.status).toBe(401);
  });
});
