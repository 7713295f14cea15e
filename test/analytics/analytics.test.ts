/**
 * CDR search and statistics against the real DynamoDB Local: a few hundred
 * generated records of two sites of one tenant and one site of another, fed
 * through the projection (some more than once, some concurrently), then read
 * through the HTTP routes and compared with the test's own computation.
 */

import { randomBytes } from 'node:crypto';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { Hono } from 'hono';
import { beforeAll, describe, expect, it, inject } from 'vitest';
import { AnalyticsStore } from '../../cloud/src/analytics/store.js';
import { analyticsRoutes } from '../../cloud/src/analytics/routes.js';
import type { CloudEnv } from '../../cloud/src/api/context.js';
import { errorAnswer } from '../../cloud/src/api/errors.js';
import { AccountStore, type Tenant } from '../../cloud/src/store/accounts.js';
import { dynamoClient } from '../../cloud/src/aws-clients.js';
import { tableNames } from '../../cloud/src/store/dynamo.js';
import type { StoredEvent } from '../../cloud/src/store/events.js';
import { randomId, SecretBox } from '../../cloud/src/store/secrets.js';
import { ensureTables } from '../../cloud/src/store/tables.js';
import { systemClock, type Clock } from '../../protocol/src/clock.js';
import { inProcessCheck } from '../helpers/api-document.js';
import { quietLogger } from '../helpers/relay-harness.js';
import { expectedRows, expectedStats, msOf, parseCsv } from './expected.js';
import { generateSite, SPAN_FROM, SPAN_TO } from './generate.js';

const NOW = Date.parse('2026-12-05T00:00:00Z');
const clock: Clock = { ...systemClock, now: () => NOW };
const db = dynamoClient({ endpoint: inject('dynamoEndpoint') });
const tables = tableNames(randomId('an'));

let analytics: AnalyticsStore;
let tenantA: Tenant;
let tenantB: Tenant;
let a1: string;
let a2: string;
let b1: string;
let events: StoredEvent[];
let app: Hono<CloudEnv>;

async function pool<T>(items: T[], n: number, f: (x: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (i < items.length) await f(items[i++]);
  }));
}

beforeAll(async () => {
  await ensureTables(db, tables);
  const accounts = new AccountStore(db, tables.main, SecretBox.fromBase64(randomBytes(32).toString('base64')), clock);
  tenantA = (await accounts.createTenant('A')).tenant;
  tenantB = (await accounts.createTenant('B')).tenant;
  a1 = (await accounts.createSite(tenantA.id, { name: 'A1' })).site.id;
  a2 = (await accounts.createSite(tenantA.id, { name: 'A2' })).site.id;
  b1 = (await accounts.createSite(tenantB.id, { name: 'B1' })).site.id;
  // The site ids are random: the merge order across A1 and A2 does not depend on creation order.
  analytics = new AnalyticsStore(db, tables.events, clock, { mainTable: tables.main, logger: quietLogger });
  events = [...generateSite(11, tenantA.id, a1, 300), ...generateSite(12, tenantA.id, a2, 200), ...generateSite(13, tenantB.id, b1, 120)];
  // Non-CDR events pass through untouched.
  const noise: StoredEvent[] = [{ id: 'x', siteId: a1, tenantId: tenantA.id, seq: 100_000, type: 'hangup', occurredAt: new Date(SPAN_FROM).toISOString(), data: { event: 'hangup' } as never }];
  // Every 5th record twice (in the same concurrent run: racing itself), concurrently with others of the same hour.
  const work = [...events, ...noise, ...events.filter((_, i) => i % 5 === 0)];
  await pool(work, 8, (e) => analytics.apply(e));
  // And a few once more, later (a retry after a failure).
  for (const e of events.slice(0, 20)) await analytics.apply(e);

  app = new Hono<CloudEnv>();
  app.use('*', async (c, next) => {
    c.set('tenant', c.req.header('x-tenant') === 'B' ? tenantB : tenantA);
    c.set('log', quietLogger);
    await next();
  });
  // The tenant is set above (x-tenant): the routes alone, without the key look-up.
  app.route('/', analyticsRoutes({ analytics }, () => async (_c, next) => next()));
  app.onError(errorAnswer);
}, 120_000);

async function get(path: string, tenant: 'A' | 'B' = 'A') {
  const res = await app.request(path, { headers: { 'x-tenant': tenant } });
  // Every answer held to the API document (test/helpers/api-document.ts).
  await inProcessCheck().check('GET', new URL(path, 'http://cloud'), res);
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text, headers: res.headers };
}

const iso = (ms: number) => new Date(ms).toISOString();
const A = () => `/v1/tenants/${tenantA.id}`;
const B = () => `/v1/tenants/${tenantB.id}`;

/** Every page of a search, checking page sizes and that only the last has no cursor. */
async function walk(base: string, params: string, limit: number, tenant: 'A' | 'B' = 'A') {
  const rows: any[] = [];
  let r = await get(`${base}/cdrs?${params}&limit=${limit}`, tenant);
  for (let pages = 0; ; pages++) {
    expect(r.status, r.text).toBe(200);
    expect(Object.keys(r.body).sort()).toEqual(['data', 'nextCursor']);
    rows.push(...r.body.data);
    if (r.body.nextCursor === null) break;
    expect(r.body.data).toHaveLength(limit);
    expect(pages).toBeLessThan(10_000);
    r = await get(`${base}/cdrs?cursor=${r.body.nextCursor}&limit=${limit}`, tenant);
  }
  // Never an empty last page, unless the whole result is empty.
  if (rows.length > 0) expect(r.body.data.length).toBeGreaterThan(0);
  return rows;
}

describe('stats', () => {
  const span = `from=${iso(SPAN_FROM)}&to=${iso(SPAN_TO)}`;

  it.each(['hour', 'day', 'queue', 'agent'] as const)('equal the numbers computed from the records, groupBy=%s', async (groupBy) => {
    for (const site of [a1, a2]) {
      const r = await get(`${A()}/stats?siteId=${site}&${span}&groupBy=${groupBy}`);
      expect(r.status, r.text).toBe(200);
      // Queue and agent rollups are daily: the range widens to whole UTC days.
      const [from, to] = groupBy === 'queue' || groupBy === 'agent' ? ['2026-11-29T00:00:00.000Z', '2026-12-03T00:00:00.000Z'] : [iso(SPAN_FROM), iso(SPAN_TO)];
      expect(r.body).toMatchObject({ siteId: site, from, to, groupBy, timezone: 'UTC', serviceLevelSeconds: 20 });
      const want = expectedStats(events, { sites: [site], fromMs: SPAN_FROM, toMs: SPAN_TO, groupBy, sl: 20 });
      expect(want.groups.length).toBeGreaterThan(2);
      expect(r.body.groups).toEqual(want.groups);
      expect(r.body.total).toEqual(want.total);
      // Sanity of the generated data: every cause occurs.
      for (const n of Object.values(want.total.abandonedBy)) expect(n).toBeGreaterThan(0);
    }
  });

  it('aggregate every site of the tenant without siteId, and never another tenant’s', async () => {
    for (const groupBy of ['hour', 'queue'] as const) {
      const r = await get(`${A()}/stats?${span}&groupBy=${groupBy}`);
      expect(r.body.siteId).toBeNull();
      const want = expectedStats(events, { sites: [a1, a2], fromMs: SPAN_FROM, toMs: SPAN_TO, groupBy, sl: 20 });
      expect(r.body.groups).toEqual(want.groups);
      expect(r.body.total).toEqual(want.total);
    }
    const b = await get(`${B()}/stats?${span}&groupBy=agent`, 'B');
    expect(b.body.total).toEqual(expectedStats(events, { sites: [b1], fromMs: SPAN_FROM, toMs: SPAN_TO, groupBy: 'agent', sl: 20 }).total);
  });

  it('follow slSeconds', async () => {
    for (const sl of [5, 10, 45, 120]) {
      const r = await get(`${A()}/stats?siteId=${a1}&${span}&groupBy=queue&slSeconds=${sl}`);
      expect(r.body.serviceLevelSeconds).toBe(sl);
      const want = expectedStats(events, { sites: [a1], fromMs: SPAN_FROM, toMs: SPAN_TO, groupBy: 'queue', sl });
      expect(r.body.groups).toEqual(want.groups);
      expect(r.body.total).toEqual(want.total);
    }
  });

  it('widen a partial range to whole hours (hour, day) or whole UTC days (queue, agent), and say so', async () => {
    const from = Date.parse('2026-11-30T07:20:00Z');
    const to = Date.parse('2026-12-01T13:05:00Z');
    const hourly = await get(`${A()}/stats?siteId=${a1}&from=${iso(from)}&to=${to}&groupBy=hour`);
    expect([hourly.body.from, hourly.body.to]).toEqual(['2026-11-30T07:00:00.000Z', '2026-12-01T14:00:00.000Z']);
    expect(hourly.body.groups).toEqual(expectedStats(events, { sites: [a1], fromMs: Date.parse(hourly.body.from), toMs: Date.parse(hourly.body.to), groupBy: 'hour', sl: 20 }).groups);
    const agents = await get(`${A()}/stats?siteId=${a1}&from=${iso(from)}&to=${to}&groupBy=agent`);
    expect([agents.body.from, agents.body.to]).toEqual(['2026-11-30T00:00:00.000Z', '2026-12-02T00:00:00.000Z']);
    const want = expectedStats(events, { sites: [a1], fromMs: Date.parse(agents.body.from), toMs: Date.parse(agents.body.to), groupBy: 'agent', sl: 20 });
    expect(agents.body.groups).toEqual(want.groups);
    expect(agents.body.total).toEqual(want.total);
  });

  it('group days of a time zone', async () => {
    const r = await get(`${A()}/stats?siteId=${a2}&${span}&groupBy=day&timezone=America/New_York`);
    expect(r.status, r.text).toBe(200);
    expect(r.body.timezone).toBe('America/New_York');
    expect(r.body.groups).toEqual(expectedStats(events, { sites: [a2], fromMs: SPAN_FROM, toMs: SPAN_TO, groupBy: 'day', sl: 20, timeZone: 'America/New_York' }).groups);
    const hours = await get(`${A()}/stats?siteId=${a2}&${span}&groupBy=hour&timezone=Europe/Berlin`);
    const utc = await get(`${A()}/stats?siteId=${a2}&${span}&groupBy=hour`);
    // The same hours, named in local time: each key is the same instant.
    expect(hours.body.groups.map((g: any) => Date.parse(g.key))).toEqual(utc.body.groups.map((g: any) => Date.parse(g.key)));
    expect(hours.body.groups[0].key).toMatch(/\+01:00$/);
  });

  it('answer an empty range with no groups and a zero total', async () => {
    const r = await get(`${A()}/stats?siteId=${a1}&from=2026-06-01&to=2026-06-02&groupBy=hour`);
    expect(r.body.groups).toEqual([]);
    expect(r.body.total).toMatchObject({ offered: 0, answered: 0, abandoned: 0, answerRate: null, serviceLevel: null, maxWait: null });
  });

  it('read rollup items only: hourly items, and monthly (whole months) or daily (partial months) queue items', async () => {
    const cc = events.filter((e) => e.siteId === a1 && e.type === 'cc_cdr' && (e.data as any).queueCode !== '');
    const hours = new Set(cc.map((e) => e.occurredAt.slice(0, 13)));
    const queueMonths = new Set(cc.map((e) => `${e.occurredAt.slice(0, 7)}#${(e.data as any).queueCode}`));
    const whole = await analytics.stats([a1], { groupBy: 'queue', fromMs: Date.parse('2026-11-01'), toMs: Date.parse('2027-01-01'), slSeconds: 20, timeZone: 'UTC' });
    expect(whole.itemsRead).toBe(hours.size + queueMonths.size);
    const queueDays = new Set(cc.map((e) => `${e.occurredAt.slice(0, 10)}#${(e.data as any).queueCode}`));
    const partial = await analytics.stats([a1], { groupBy: 'queue', fromMs: Date.parse('2026-11-02'), toMs: Date.parse('2026-12-31'), slSeconds: 20, timeZone: 'UTC' });
    expect(partial.itemsRead).toBe(hours.size + queueDays.size);
    // The same numbers either way.
    expect(partial.groups).toEqual(whole.groups);
  });

  it('combine whole months and partial months over a longer range', async () => {
    // November 15 – January 10: November's days (the data of Nov 29–30), December's monthly items (Dec 1–2), January's days.
    for (const [from, to] of [
      ['2026-11-15', '2027-01-10'],
      ['2026-11-30', '2026-12-02'],
      ['2026-12-01', '2027-01-01'],
    ]) {
      for (const groupBy of ['queue', 'agent'] as const) {
        const r = await get(`${A()}/stats?siteId=${a1}&from=${from}&to=${to}&groupBy=${groupBy}`);
        const want = expectedStats(events, { sites: [a1], fromMs: Date.parse(from), toMs: Date.parse(to), groupBy, sl: 20 });
        expect(want.total.offered).toBeGreaterThan(0);
        expect(r.body.groups, `${from} ${to} ${groupBy}`).toEqual(want.groups);
        expect(r.body.total).toEqual(want.total);
      }
    }
  });
});

describe('idempotent projection', () => {
  it('stores each record once, however often applied', async () => {
    const items = await db.send(new QueryCommand({ TableName: tables.events, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': `CDR#${a1}#cc_cdr#2026-12-01` } }));
    const want = events.filter((e) => e.siteId === a1 && e.type === 'cc_cdr' && e.occurredAt.startsWith('2026-12-01'));
    expect(items.Items?.map((i) => i.seq).sort((x, y) => x - y)).toEqual(want.map((e) => e.seq).sort((x, y) => x - y));
  });

  it('changes no counter when a whole site is applied again', async () => {
    const before = await get(`${A()}/stats?siteId=${a2}&from=${iso(SPAN_FROM)}&to=${iso(SPAN_TO)}&groupBy=agent`);
    await pool(
      events.filter((e) => e.siteId === a2),
      8,
      (e) => analytics.apply(e),
    );
    const after = await get(`${A()}/stats?siteId=${a2}&from=${iso(SPAN_FROM)}&to=${iso(SPAN_TO)}&groupBy=agent`);
    expect(after.body).toEqual(before.body);
  });

  it('keeps the largest wait, whatever the order', async () => {
    const one = events.find((e) => e.siteId === a1 && e.type === 'cc_cdr' && (e.data as any).queueCode !== '')!;
    const hour = (await db.send(new GetCommand({ TableName: tables.events, Key: { PK: `RU#${a1}#H#${one.occurredAt.slice(0, 7)}`, SK: one.occurredAt.slice(0, 13) } }))).Item!;
    const inHour = events.filter((e) => e.siteId === a1 && e.type === 'cc_cdr' && e.occurredAt.slice(0, 13) === one.occurredAt.slice(0, 13) && (e.data as any).queueCode !== '');
    expect(hour.maxWait ?? 0).toBe(Math.max(...inHour.map((e) => Number((e.data as any).queueTime))));
    expect(hour.offered).toBe(inHour.length);
  });
});

describe('CDR search', () => {
  const span = `from=${SPAN_FROM}&to=${SPAN_TO}`;

  it('returns a site’s records of a type in time order, with the envelope and the box record', async () => {
    const r = await get(`${A()}/cdrs?siteId=${a1}&type=cc_cdr&${span}&limit=1000`);
    expect(r.status).toBe(200);
    const want = expectedRows(events, { sites: [a1], type: 'cc_cdr', fromMs: SPAN_FROM, toMs: SPAN_TO });
    expect(want.length).toBeGreaterThan(100);
    expect(r.body.data).toEqual(want);
    expect(r.body.nextCursor).toBeNull();
    // type defaults to cdr
    const plain = await get(`${A()}/cdrs?siteId=${a1}&${span}&limit=1000`);
    expect(plain.body.data).toEqual(expectedRows(events, { sites: [a1], type: 'cdr', fromMs: SPAN_FROM, toMs: SPAN_TO }));
  });

  it.each([
    ['cc_cdr', 'caller=0612345678', { caller: '0612345678' }],
    ['cc_cdr', 'caller=%2B49*', { caller: '+49*' }],
    ['cc_cdr', 'called=804', { called: '804' }],
    ['cc_cdr', 'queue=631', { queueCode: '631' }],
    ['cc_cdr', 'queue=', { queueCode: '' }],
    ['cc_cdr', 'agent=802', { agentCode: '802' }],
    ['cc_cdr', 'agent=80*', { agentCode: '80*' }],
    ['cc_cdr', 'agent=803&caller=85322361', { agentCode: '803', caller: '85322361' }],
    ['cc_cdr', 'disposition=bridged', { cdrState: 'bridged' }],
    ['cc_cdr', 'missCause=NO_AGENT_ANSWER', { missCause: 'NO_AGENT_ANSWER' }],
    ['cc_cdr', 'queue=630&disposition=queue&missCause=MEMBER_CANCEL', { queueCode: '630', cdrState: 'queue', missCause: 'MEMBER_CANCEL' }],
    ['cdr', 'caller=4420', { source: '4420' }],
    ['cdr', 'caller=061*', { source: '061*' }],
    ['cdr', 'called=0800123', { destination: '0800123' }],
    ['cdr', 'disposition=NO%20ANSWER', { disposition: 'NO ANSWER' }],
    ['cdr', 'disposition=ANSWERED&caller=-12', { disposition: 'ANSWERED', source: '-12' }],
  ] as const)('type=%s filters by %s, over every site of the tenant, page by page', async (type, filter, where) => {
    const want = expectedRows(events, { sites: [a1, a2], type, fromMs: SPAN_FROM, toMs: SPAN_TO, where });
    expect(want.length, 'the generated data should match this filter').toBeGreaterThan(0);
    expect(await walk(A(), `type=${type}&${span}&${filter}`, 7)).toEqual(want);
  });

  it('pages through every row exactly once, in order, at any page size', async () => {
    const want = expectedRows(events, { sites: [a1, a2], type: 'cc_cdr', fromMs: SPAN_FROM, toMs: SPAN_TO });
    for (const limit of [1, 3, 50, want.length, want.length + 1]) {
      const rows = await walk(A(), `type=cc_cdr&${span}`, limit);
      expect(rows.map((r) => r.id)).toEqual(want.map((r) => r.id));
    }
    // Records sharing a millisecond are all there, ordered by site then seq.
    const ms = want.map((r) => Date.parse(r.occurredAt));
    expect(new Set(ms).size).toBeLessThan(ms.length);
  }, 120_000);

  it('takes [from, to): from included, to excluded, ISO or epoch ms', async () => {
    const site = events.filter((e) => e.siteId === a1 && e.type === 'cdr').sort((x, y) => msOf(x) - msOf(y));
    const from = msOf(site[10]);
    const to = msOf(site[40]);
    const want = expectedRows(events, { sites: [a1], type: 'cdr', fromMs: from, toMs: to });
    expect(want[0].id).toBe(site[10].id);
    expect(want.some((r) => r.id === site[40].id)).toBe(false);
    expect((await get(`${A()}/cdrs?siteId=${a1}&from=${iso(from)}&to=${to}&limit=1000`)).body.data).toEqual(want);
    expect(await walk(A(), `siteId=${a1}&from=${from}&to=${iso(to)}`, 4)).toEqual(want);
  });

  it('defaults to the last 24 hours', async () => {
    const r = await get(`${A()}/cdrs?siteId=${a1}`);
    expect(r.status).toBe(200);
    expect(r.body.data).toEqual([]); // NOW is days after the generated span
  });

  it('never shows another tenant’s records', async () => {
    expect((await get(`${A()}/cdrs?siteId=${b1}&${span}`)).status).toBe(404);
    expect((await get(`${A()}/stats?siteId=${b1}&${span}`)).body).toEqual({ status: 'error', code: 'not-found', message: 'not found' });
    // A site id that names nothing answers like another tenant's; one that cannot be a site id is a bad parameter.
    expect((await get(`${A()}/cdrs?siteId=site_0000000000000000&${span}`)).status).toBe(404);
    expect((await get(`${A()}/cdrs?siteId=site_unknown&${span}`)).status).toBe(400);
    // Tenant B's own view contains its site only.
    const rows = await walk(B(), `type=cc_cdr&${span}`, 100, 'B');
    expect(rows).toEqual(expectedRows(events, { sites: [b1], type: 'cc_cdr', fromMs: SPAN_FROM, toMs: SPAN_TO }));
    // A's key on B's path.
    expect((await get(`${B()}/cdrs?${span}`, 'A')).status).toBe(404);
    // A cursor forged for B's site by A (the cursor carries the query): still refused.
    const page = await get(`${B()}/cdrs?siteId=${b1}&type=cc_cdr&${span}&limit=2`, 'B');
    expect((await get(`${A()}/cdrs?cursor=${page.body.nextCursor}`)).status).toBe(404);
  });

  it('refuses bad parameters with 400 and a message', async () => {
    for (const [q, msg] of [
      ['type=ivr', /^type:/],
      ['limit=0', /^limit:/],
      ['limit=5000', /^limit:/],
      ['from=yesterday', /^from:/],
      ['from=2026-12-02&to=2026-12-01', /^from: must be before to/],
      ['queue=630', /^queue: filters cc_cdr records only/],
      ['cursor=garbage', /^cursor:/],
      ['bogus=1', /^unknown parameter: bogus/],
      ['format=csv&limit=10', /whole range/],
    ] as const) {
      const r = await get(`${A()}/cdrs?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.status).toBe('error');
      expect(r.body.message, q).toMatch(msg);
    }
    for (const q of ['groupBy=week', 'slSeconds=7', 'timezone=Asia/Kolkata', 'timezone=Nowhere/Else', 'from=2025-01-01&to=2026-12-01']) {
      const r = await get(`${A()}/stats?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.status).toBe('error');
    }
    const page = await get(`${A()}/cdrs?type=cc_cdr&${span}&limit=2`);
    expect((await get(`${A()}/cdrs?cursor=${page.body.nextCursor}&queue=630`)).body.message).toMatch(/^cursor: belongs to a different query/);
  });
});

describe('CSV export', () => {
  const span = `from=${iso(SPAN_FROM)}&to=${iso(SPAN_TO)}`;

  it.each(['cdr', 'cc_cdr'] as const)('streams the same rows as JSON, type=%s, quoted and formula-safe', async (type) => {
    const r = await get(`${A()}/cdrs?type=${type}&${span}&format=csv`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(r.headers.get('content-disposition')).toBe(`attachment; filename="cdrs-all-${type}-20261129T180000Z-20261202T060000Z.csv"`);
    const rows = parseCsv(r.text);
    const json = await walk(A(), `type=${type}&${span}`, 1000);
    const [header, ...body] = rows;
    expect(header.slice(0, 4)).toEqual(['id', 'siteId', 'seq', 'occurredAt']);
    expect(body).toHaveLength(json.length);
    const unformula = (v: string) => (/^'[=+\-@\t\r]/.test(v) ? v.slice(1) : v);
    body.forEach((cells, i) => {
      const row = json[i];
      expect(cells).toHaveLength(header.length);
      expect(cells.slice(0, 4)).toEqual([row.id, row.siteId, String(row.seq), row.occurredAt]);
      header.slice(4).forEach((col, j) => expect(unformula(cells[4 + j]), col).toBe(String(row.data[col] ?? '')));
      // Nothing a spreadsheet would evaluate.
      for (const cell of cells) expect(cell).not.toMatch(/^[=+\-@]/);
    });
    // The generated data exercises quoting and the formula guard.
    if (type === 'cc_cdr') {
      expect(r.text).toContain('"Normal, ""unspecified"""');
      expect(r.text).toContain('"line\nbreak"');
      expect(r.text).toContain(",'=cmd|calc,");
      expect(r.text).toContain(",'+4930123456,");
      expect(r.text).toContain(",'@home,");
    } else {
      expect(r.text).toContain('"""0612345678"" <0612345678>"');
      expect(r.text).toContain(",'-12,");
    }
  });

  it('exports one site with filters; an empty result is the header alone', async () => {
    const r = await get(`${A()}/cdrs?siteId=${a2}&type=cc_cdr&queue=700&${span}&format=csv`);
    const want = expectedRows(events, { sites: [a2], type: 'cc_cdr', fromMs: SPAN_FROM, toMs: SPAN_TO, where: { queueCode: '700' } });
    expect(parseCsv(r.text).slice(1).map((c) => c[0])).toEqual(want.map((w) => w.id));
    const empty = await get(`${A()}/cdrs?siteId=${a2}&from=2026-06-01&to=2026-06-02&format=csv`);
    expect(parseCsv(empty.text)).toHaveLength(1);
    expect(empty.headers.get('content-disposition')).toContain(`cdrs-${a2}-cdr-20260601T000000Z-20260602T000000Z.csv`);
  });
});
