/**
 * The analytics as the local cloud serves them: events stored by the event
 * store, projected by the outbox runner, read over real HTTP with tenant API
 * keys (the cloud's own authentication in front of the routes), through the
 * typed client, every answer held to the API document.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../cloud/src/local/server.js';
import type { BoxEvent } from '../../protocol/src/events/box-events.js';
import { typedApi, validatedApi } from '../helpers/api-document.js';
import { startTestCloud, tenantAndSite, type Api } from '../helpers/cloud-harness.js';
import { expectedRows, expectedStats, parseCsv } from './expected.js';
import { generateSite, SPAN_FROM, SPAN_TO } from './generate.js';

let cloud: LocalCloud;
let call: Api;
let a: Awaited<ReturnType<typeof tenantAndSite>>;
let b: Awaited<ReturnType<typeof tenantAndSite>>;
let stored: Awaited<ReturnType<LocalCloud['events']['storeBatch']>>['fresh'];

beforeAll(async () => {
  cloud = await startTestCloud();
  call = validatedApi(cloud.url);
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

const range = { from: new Date(SPAN_FROM).toISOString(), to: new Date(SPAN_TO).toISOString() };
const status = async (p: Promise<{ response: Response }>) => (await p).response.status;

describe('analytics in the local cloud', () => {
  it('serves a tenant its CDRs and stats, behind its API key', async () => {
    const asA = typedApi(cloud.url, a.apiKey);
    const tenantId = a.tenantId;
    const cdrs = await asA.GET('/v1/tenants/{tenantId}/cdrs', { params: { path: { tenantId }, query: { type: 'cc_cdr', ...range, limit: 1000 } } });
    expect(cdrs.response.status).toBe(200);
    expect(typeof cdrs.data === 'object' && cdrs.data.data).toEqual(expectedRows(stored, { sites: [a.siteId], type: 'cc_cdr', fromMs: SPAN_FROM, toMs: SPAN_TO }));
    const stats = await asA.GET('/v1/tenants/{tenantId}/stats', { params: { path: { tenantId }, query: { siteId: a.siteId, ...range, groupBy: 'queue' } } });
    expect(stats.response.status).toBe(200);
    const body = stats.data!;
    const want = expectedStats(stored, { sites: [a.siteId], fromMs: Date.parse(body.from), toMs: Date.parse(body.to), groupBy: 'queue', sl: 20 });
    expect(body.groups).toEqual(want.groups);
    expect(body.total).toEqual(want.total);
    const csv = await asA.GET('/v1/tenants/{tenantId}/cdrs', { params: { path: { tenantId }, query: { siteId: a.siteId, ...range, format: 'csv' } }, parseAs: 'text' });
    expect(csv.response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(parseCsv(csv.data as string).slice(1).map((r) => r[0])).toEqual(expectedRows(stored, { sites: [a.siteId], type: 'cdr', fromMs: SPAN_FROM, toMs: SPAN_TO }).map((r) => r.id));
  });

  it('matches the box\'s enumerations in any case: disposition=answered finds the ANSWERED records', async () => {
    const all = expectedRows(stored, { sites: [a.siteId], type: 'cdr', fromMs: SPAN_FROM, toMs: SPAN_TO });
    const answered = all.filter((r) => (r.data as { disposition?: string }).disposition === 'ANSWERED');
    expect(answered.length).toBeGreaterThan(0);
    expect(answered.length).toBeLessThan(all.length);
    for (const disposition of ['answered', 'Answered', 'ANSWERED']) {
      const r = await typedApi(cloud.url, a.apiKey).GET('/v1/tenants/{tenantId}/cdrs', { params: { path: { tenantId: a.tenantId }, query: { type: 'cdr', disposition, ...range, limit: 1000 } } });
      expect(typeof r.data === 'object' && r.data.data.map((row) => row.id), disposition).toEqual(answered.map((row) => row.id));
    }
  });

  it('refuses other tenants and missing keys', async () => {
    const path = (tenantId: string) => ({ path: { tenantId }, query: range });
    expect(await status(typedApi(cloud.url).GET('/v1/tenants/{tenantId}/cdrs', { params: path(a.tenantId) }))).toBe(401);
    const asB = typedApi(cloud.url, b.apiKey);
    expect(await status(asB.GET('/v1/tenants/{tenantId}/cdrs', { params: path(a.tenantId) }))).toBe(404);
    expect(await status(asB.GET('/v1/tenants/{tenantId}/stats', { params: path(a.tenantId) }))).toBe(404);
    expect(await status(asB.GET('/v1/tenants/{tenantId}/cdrs', { params: { path: { tenantId: b.tenantId }, query: { siteId: a.siteId, ...range } } }))).toBe(404);
    expect(await status(asB.GET('/v1/tenants/{tenantId}/stats', { params: { path: { tenantId: b.tenantId }, query: { siteId: a.siteId, ...range } } }))).toBe(404);
    const own = await asB.GET('/v1/tenants/{tenantId}/cdrs', { params: { path: { tenantId: b.tenantId }, query: { type: 'cc_cdr', ...range } } });
    expect(own.data).toEqual({ data: [], nextCursor: null });
  });
});
