/**
 * The local cloud's HTTP edge (issue 16, defects 2, 9, 10): every /v1 body is
 * read through the one bounded reader with its route family's limit (it had
 * none: 200 MB were accepted), the box API's forms keep theirs, a client that
 * goes away is not logged as our error, and slow requests are cut by the
 * server's own timeouts. Real local cloud on DynamoDB Local, raw HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_LIMITS } from '../../cloud/src/api/body.js';
import type { LocalCloud } from '../../cloud/src/local/server.js';
import { ADMIN_TOKEN, api, startTestCloud, tenantAndSite, type Api } from '../helpers/cloud-harness.js';
import { captureLog, type CapturedLog } from '../helpers/log-capture.js';
import { incompleteHead, openRequest } from '../helpers/raw-http.js';

let cloud: LocalCloud;
let call: Api;
let log: CapturedLog;
let a: Awaited<ReturnType<typeof tenantAndSite>>;
const host = () => new URL(cloud.url).host;

beforeAll(async () => {
  log = captureLog('debug');
  cloud = await startTestCloud({ logger: log.logger, httpTimeouts: { headersMs: 300, requestMs: 400, checkEveryMs: 50 } });
  call = api(cloud.url);
  a = await tenantAndSite(call);
});
afterAll(async () => cloud.stop());

describe('/v1 bodies are bounded per route family (defect 2)', () => {
  const cases = () => [
    { family: 'admin', path: '/v1/tenants', token: ADMIN_TOKEN, limit: BODY_LIMITS.admin },
    { family: 'admin', path: `/v1/tenants/${a.tenantId}/sites`, token: a.apiKey, limit: BODY_LIMITS.admin },
    { family: 'webhooks', path: `/v1/tenants/${a.tenantId}/webhooks`, token: a.apiKey, limit: BODY_LIMITS.webhooks },
    { family: 'box API', path: `/sites/${a.siteId}/coocenter-api/extensions/hangup`, token: a.apiKey, limit: 16 * 1024 },
  ];

  it('a chunked body over the limit is answered 413 while it is still being sent', async () => {
    for (const c of cases()) {
      const req = openRequest(host(), { method: 'POST', path: c.path, headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/json' } });
      req.write(`{"name":"${'n'.repeat(c.limit)}`);
      const r = await req.response;
      const message = `request body too large (max ${c.limit} bytes)`;
      // /v1 answers with its coded error; the box API with the box's body, exactly.
      const body = c.family === 'box API' ? { status: 'error', message } : { status: 'error', code: 'body-too-large', message, details: { limit: c.limit } };
      expect([r.status, JSON.parse(r.body)], c.path).toEqual([413, body]);
      req.destroy();
    }
  });

  it('a declared length over the limit is refused before a byte is read', async () => {
    for (const c of cases()) {
      const req = openRequest(host(), {
        method: 'POST',
        path: c.path,
        headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/json', 'content-length': String(200 * 1024 * 1024) },
      });
      expect((await req.response).status, c.path).toBe(413);
      req.destroy();
    }
  });

  it('bodies within the limit work as before', async () => {
    const r = await call('POST', `/v1/tenants/${a.tenantId}/webhooks`, { token: a.apiKey, body: { url: 'http://127.0.0.1:9/hook', events: ['hangup'] } });
    expect(r.status).toBe(201);
  });
});

it('a client that aborts its request is logged at debug, not as our error (defect 9)', async () => {
  const req = openRequest(host(), {
    method: 'POST',
    path: `/v1/tenants/${a.tenantId}/webhooks`,
    headers: { authorization: `Bearer ${a.apiKey}`, 'content-type': 'application/json', 'content-length': '1000' },
  });
  req.write('{"url":"http://');
  await req.flushed;
  req.destroy();
  const line = await log.waitFor(/request aborted by the client|request failed/);
  expect(line.level).toBe('debug');
  expect(log.lines.filter((l) => l.level === 'error')).toEqual([]);
});

describe('slow requests are cut by the server (defect 10)', () => {
  it('a body that never completes: 408', async () => {
    const req = openRequest(host(), {
      method: 'POST',
      path: `/v1/tenants/${a.tenantId}/webhooks`,
      headers: { authorization: `Bearer ${a.apiKey}`, 'content-type': 'application/json', 'content-length': '100' },
    });
    req.write('{"url":');
    expect((await req.response).status).toBe(408);
    await req.closed;
  });

  it('headers that never complete: 408', async () => {
    const answer = await incompleteHead(host(), 'GET /health HTTP/1.1\r\nHost: x\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });
});
