/**
 * CDR search and call-center statistics of a tenant (README "CDR search and
 * call-center statistics"):
 *
 *   GET /v1/tenants/{tenantId}/cdrs?siteId&from&to&type&caller&called&queue&agent&disposition&missCause&limit&cursor&format
 *   GET /v1/tenants/{tenantId}/stats?siteId&from&to&groupBy&slSeconds&timezone
 *
 * Mounted behind the tenant authentication (`c.get('tenant')`); a site of
 * another tenant answers like a missing one (404).
 */

import { Hono } from 'hono';
import type { CloudContext, CloudEnv } from '../api/context.js';
import { errorAnswer, invalid, notFound } from '../api/errors.js';
import { encodeCursor } from './cursor.js';
import { csvHeader, csvRow } from './csv.js';
import { parseCdrParams, parseStatsParams } from './params.js';
import type { AnalyticsStore } from './store.js';
import { isClientAbort } from '../../../protocol/src/http/body.js';
import { LogField } from '../../../protocol/src/log-fields.js';

/** The sites a request may read: its own `siteId`, or every site of the tenant; undefined = not the tenant's. */
async function sitesFor(analytics: AnalyticsStore, tenantId: string, siteId: string | undefined): Promise<string[] | undefined> {
  const all = await analytics.sitesOf(tenantId);
  if (siteId === undefined) return all;
  return all.includes(siteId) ? [siteId] : undefined;
}

/** The authenticated tenant, when it is the one in the path. */
function tenantOf(c: CloudContext): string | undefined {
  const tenant = c.get('tenant');
  return tenant && tenant.id === c.req.param('tenantId') ? tenant.id : undefined;
}

const compact = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');

export function analyticsRoutes(deps: { analytics: AnalyticsStore }): Hono<CloudEnv> {
  const app = new Hono<CloudEnv>();
  app.onError(errorAnswer);
  const { analytics } = deps;

  app.get('/v1/tenants/:tenantId/cdrs', async (c) => {
    const tenantId = tenantOf(c);
    if (!tenantId) throw notFound();
    const parsed = parseCdrParams(new URL(c.req.url).searchParams, analytics.clock.now());
    if (!parsed.ok) throw invalid(parsed.message);
    const { query, format, limit, after } = parsed.value;
    const sites = await sitesFor(analytics, tenantId, query.siteId);
    if (!sites) throw notFound();

    if (format === 'json') {
      // The client's signal: a search it no longer waits for stops reading partitions.
      const page = await analytics.searchPage(tenantId, sites, query, limit, after, c.req.raw.signal);
      return c.json({ data: page.rows, nextCursor: page.next ? encodeCursor(query, page.next) : null });
    }

    // CSV, streamed batch by batch as the client reads. The first batch is read
    // before answering, so a failing store still gives a 500 rather than a
    // truncated 200; a failure later can only cut the download short.
    const batches = analytics.searchAll(tenantId, sites, query, undefined, c.req.raw.signal);
    const first = await batches.next();
    const encoder = new TextEncoder();
    const log = c.get('log');
    const lines = (rows: Parameters<typeof csvRow>[1][]) => encoder.encode(rows.map((r) => csvRow(query.type, r)).join(''));
    let done = first.done === true;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(csvHeader(query.type)));
        if (!first.done) controller.enqueue(lines(first.value));
      },
      async pull(controller) {
        if (done) return controller.close();
        try {
          const next = await batches.next();
          if (next.done) {
            done = true;
            controller.close();
          } else controller.enqueue(lines(next.value));
        } catch (err) {
          if (isClientAbort(err, c.req.raw)) log?.debug('CSV export stopped: the client went away');
          else log?.error('CSV export failed midway', { [LogField.error]: err });
          controller.error(err);
        }
      },
      async cancel() {
        await batches.return(undefined);
      },
    });
    const name = `cdrs-${(query.siteId ?? 'all').replace(/[^A-Za-z0-9_-]/g, '_')}-${query.type}-${compact(query.fromMs)}-${compact(query.toMs)}.csv`;
    return c.body(body, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${name}"`,
      'cache-control': 'no-store',
    });
  });

  app.get('/v1/tenants/:tenantId/stats', async (c) => {
    const tenantId = tenantOf(c);
    if (!tenantId) throw notFound();
    const parsed = parseStatsParams(new URL(c.req.url).searchParams, analytics.clock.now());
    if (!parsed.ok) throw invalid(parsed.message);
    const r = parsed.value;
    const sites = await sitesFor(analytics, tenantId, r.siteId);
    if (!sites) throw notFound();
    const result = await analytics.stats(sites, r);
    return c.json({
      siteId: r.siteId ?? null,
      from: new Date(r.fromMs).toISOString(),
      to: new Date(r.toMs).toISOString(),
      groupBy: r.groupBy,
      timezone: r.timeZone,
      serviceLevelSeconds: r.slSeconds,
      groups: result.groups,
      total: result.total,
    });
  });

  return app;
}
