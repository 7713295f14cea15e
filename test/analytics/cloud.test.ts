/**
 * The analytics as the local cloud serves them: events stored by the event
 * store, projected by the outbox runner, read over real HTTP with tenant API
 * keys (the cloud's own authentication in front of the routes).
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../cloud/src/local/server.js';
import type { BoxEvent } from '../../protocol/src/events/box-events.js';
import { api, startTestCloud, tenantAndSite, type Api } from '../helpers/cloud-harness.js';
import { expectedRows, expectedStats, parseCsv } from './expected.js';
import { generateSite, SPAN_FROM, SPAN_TO } from './generate.js';

let cloud: LocalCloud;
let call: Api;
let a: Awaited<ReturnType<typeof tenantAndSite>>;
let b: Awaited<ReturnType<typeof tenantAndSite>>;
let stored: Awaited<ReturnType<LocalCloud['events']['storeBatch']>>['fresh'];

beforeAll(async () => {
  cloud = await startTestCloud();
  call = api(cloud.url);
  a = await tenantAndSite(call);
  b = await tenantAndSite(call);
  // Generated records of site A, stored as the relay's batches would be, then projected by the outbox.
  const records = generateSite(21, a.tenantId, a.siteId, 120).map((e) => ({ seq: e.seq, event: e.data as BoxEvent }));
  stored = [];
  for (let i = 0; i < records.length; i += 40) {
    const r = await cloud.events.storeBatch(a.tenantId, a.siteId, records.slice(i, i + 40), Date.now());
    stored.push(...r.fresh);
    for (const entry of r.outboxes) await cloud.outbox.submit(entry, r.fresh.filter((e) => entry.seqs.includes(e.seq)));
  }
  // A re-sent batch is absorbed by the store; the sweeper's retry of an entry re-applies: both harmless.
  await cloud.events.storeBatch(a.tenantId, a.siteId, records.slice(0, 10), Date.now());
  for (const e of stored.slice(0, 10)) await cloud.deps.analytics.apply(e);
}, 60_000);

afterAll(async () => cloud?.stop());

const span = `from=${new Date(SPAN_FROM).toISOString()}&to=${new Date(SPAN_TO).toISOString()}`;

describe('analytics in the local cloud', () => {
  it('serves a tenant its CDRs and stats, behind its API key', async () => {
    const cdrs = await call('GET', `/v1/tenants/${a.tenantId}/cdrs?type=cc_cdr&${span}&limit=1000`, { token: a.apiKey });
    expect(cdrs.status, cdrs.text).toBe(200);
    expect(cdrs.body.data).toEqual(expectedRows(stored, { sites: [a.siteId], type: 'cc_cdr', fromMs: SPAN_FROM, toMs: SPAN_TO }));
    const stats = await call('GET', `/v1/tenants/${a.tenantId}/stats?siteId=${a.siteId}&${span}&groupBy=queue`, { token: a.apiKey });
    expect(stats.status).toBe(200);
    const want = expectedStats(stored, { sites: [a.siteId], fromMs: Date.parse(stats.body.from), toMs: Date.parse(stats.body.to), groupBy: 'queue', sl: 20 });
    expect(stats.body.groups).toEqual(want.groups);
    expect(stats.body.total).toEqual(want.total);
    const csv = await fetch(`${cloud.url}/v1/tenants/${a.tenantId}/cdrs?siteId=${a.siteId}&${span}&format=csv`, { headers: { authorization: `Bearer ${a.apiKey}` } });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(parseCsv(await csv.text()).slice(1).map((r) => r[0])).toEqual(expectedRows(stored, { sites: [a.siteId], type: 'cdr', fromMs: SPAN_FROM, toMs: SPAN_TO }).map((r) => r.id));
  });

  it('refuses other tenants and missing keys', async () => {
    expect((await call('GET', `/v1/tenants/${a.tenantId}/cdrs?${span}`)).status).toBe(401);
    expect((await call('GET', `/v1/tenants/${a.tenantId}/cdrs?${span}`, { token: b.apiKey })).status).toBe(404);
    expect((await call('GET', `/v1/tenants/${a.tenantId}/stats?${span}`, { token: b.apiKey })).status).toBe(404);
    expect((await call('GET', `/v1/tenants/${b.tenantId}/cdrs?siteId=${a.siteId}&${span}`, { token: b.apiKey })).status).toBe(404);
    expect((await call('GET', `/v1/tenants/${b.tenantId}/stats?siteId=${a.siteId}&${span}`, { token: b.apiKey })).status).toBe(404);
    const own = await call('GET', `/v1/tenants/${b.tenantId}/cdrs?type=cc_cdr&${span}`, { token: b.apiKey });
    expect(own.body).toEqual({ data: [], nextCursor: null });
  });
});
