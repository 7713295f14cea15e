/**
 * A CDR cursor is bounded like the parameters it stands for, and the work of
 * a search stops when its client goes away (issue 16, defect 1): a crafted
 * cursor spanning fifty years used to skip the 366-day check and make the
 * cloud build (and query) every day partition until it ran out of memory.
 * Real DynamoDB Local; the store's requests are counted, not timed.
 */
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { AnalyticsStore } from '../../cloud/src/analytics/store.js';
import { dynamoClient } from '../../cloud/src/aws-clients.js';
import type { LocalCloud } from '../../cloud/src/local/server.js';
import { tableNames } from '../../cloud/src/store/dynamo.js';
import { randomId } from '../../cloud/src/store/secrets.js';
import { ensureTables } from '../../cloud/src/store/tables.js';
import { systemClock } from '../../protocol/src/clock.js';
import { api, startTestCloud, tenantAndSite, type Api } from '../helpers/cloud-harness.js';
import { quietLogger } from '../helpers/relay-harness.js';

const DAY = 86_400_000;
const cursorOf = (wire: object) => Buffer.from(JSON.stringify(wire)).toString('base64url');

describe('a crafted cursor is refused like the parameters it carries', () => {
  let cloud: LocalCloud;
  let call: Api;
  let a: Awaited<ReturnType<typeof tenantAndSite>>;
  beforeAll(async () => {
    cloud = await startTestCloud();
    call = api(cloud.url);
    a = await tenantAndSite(call);
  });
  afterAll(async () => cloud.stop());

  it.each([
    ['fifty years', { f: 0, u: Date.now() }],
    ['367 days', { f: Date.UTC(2025, 0, 1), u: Date.UTC(2025, 0, 1) + 367 * DAY }],
    ['a malformed site', { s: 'x'.repeat(1000) }],
    ['a filter of another record type', { q: { queue: '630' } }],
    ['a bare * filter', { q: { caller: '*' } }],
    ['a position of a malformed site', { a: [Date.UTC(2026, 0, 1, 1), 'x'.repeat(1000), 1] }],
  ])('%s: 400 at once', async (_what, change) => {
    const wire = { v: 1, t: 'cdr', f: Date.UTC(2026, 0, 1), u: Date.UTC(2026, 0, 2), q: {}, a: [Date.UTC(2026, 0, 1, 1), a.siteId, 1], ...change };
    const r = await call('GET', `/v1/tenants/${a.tenantId}/cdrs?cursor=${cursorOf(wire)}`, { token: a.apiKey });
    expect([r.status, r.body.message]).toEqual([400, expect.stringMatching(/^cursor: /)]);
  });
});

describe('a search stops when its client goes away', () => {
  const db = dynamoClient({ endpoint: inject('dynamoEndpoint') });
  const tables = tableNames(randomId('cc'));
  let queries = 0;
  let onQuery: () => void = () => undefined;
  db.middlewareStack.add(
    (next) => async (args) => {
      queries++;
      onQuery();
      return next(args);
    },
    { step: 'initialize', name: 'countQueries' },
  );
  const store = new AnalyticsStore(db, tables.events, systemClock, { listSites: async () => [], logger: quietLogger });
  const site = 'site_0000000000000000';
  // 366 quiet days: one partition a day, read ahead 16 at a time.
  const query = { siteId: site, type: 'cdr' as const, fromMs: Date.UTC(2025, 0, 1), toMs: Date.UTC(2025, 0, 1) + 366 * DAY, filters: {} };

  beforeAll(async () => ensureTables(db, tables));

  it('a page', async () => {
    const gone = new AbortController();
    queries = 0;
    onQuery = () => gone.abort(new Error('client closed the connection'));
    await expect(store.searchPage('ten_0000000000000000', [site], query, 100, undefined, gone.signal)).rejects.toThrow();
    // At most the read-ahead window that was already in flight, not 366 partitions.
    expect(queries).toBeLessThanOrEqual(16);
  });

  it('a CSV export', async () => {
    const gone = new AbortController();
    queries = 0;
    onQuery = () => gone.abort(new Error('client closed the connection'));
    await expect(store.searchAll('ten_0000000000000000', [site], query, 1000, gone.signal).next()).rejects.toThrow();
    expect(queries).toBeLessThanOrEqual(16);
  });
});
