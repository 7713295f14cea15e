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
import type { CloudDeps, CloudEnv } from '../api/context.js';
import type { Authenticate } from '../api/mount.js';
import { getStats, searchCdrs } from '../api/contract/analytics.js';
import { errorAnswer, notFound } from '../api/errors.js';
import { mount } from '../api/mount.js';
import { encodeCursor } from './cursor.js';
import { csvHeader, csvRow } from './csv.js';
import { cdrRequest, statsRequest } from './params.js';
import type { AnalyticsStore } from './store.js';
import { isClientAbort } from '../../../protocol/src/http/body.js';
import { LogField } from '../../../protocol/src/log-fields.js';

/** The sites a request may read: its own `siteId`, or every site of the tenant; undefined = not the tenant's. */
async function sitesFor(analytics: AnalyticsStore, tenantId: string, siteId: string | undefined): Promise<string[] | undefined> {
  const all = await analytics.sitesOf(tenantId);
  if (siteId === undefined) return all;
  return all.includes(siteId) ? [siteId] : undefined;
}

const compact = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');

export function analyticsRoutes(deps: Pick<CloudDeps, 'analytics'>, authenticate: Authenticate): Hono<CloudEnv> {
  const app = new Hono<CloudEnv>();
  app.onError(errorAnswer);
  const { analytics } = deps;

  mount(app, authenticate, searchCdrs, async (c, input) => {
    const tenantId = c.get('tenant').id;
    const { query, format, limit, after } = cdrRequest(input.query, analytics.clock.now());
    const sites = await sitesFor(analytics, tenantId, query.siteId);
    if (!sites) throw notFound();

    if (format === 'json') {
      // The client's signal: a search it no longer waits for stops reading partitions.
      const page = await analytics.searchPage(tenantId, sites, query, limit, after, c.req.raw.signal);
      return { data: page.rows, nextCursor: page.next ? encodeCursor(query, page.next) : null };
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

  mount(app, authenticate, getStats, async (c, input) => {
    const r = statsRequest(input.query, analytics.clock.now());
    const sites = await sitesFor(analytics, c.get('tenant').id, r.siteId);
    if (!sites) throw notFound();
    const result = await analytics.stats(sites, r);
    return {
      siteId: r.siteId ?? null,
      from: new Date(r.fromMs).toISOString(),
      to: new Date(r.toMs).toISOString(),
      groupBy: r.groupBy,
      timezone: r.timeZone,
      serviceLevelSeconds: r.slSeconds,
      groups: result.groups,
      total: result.total,
    };
  });

  return app;
}
