/** GET /v1/tenants/{tenantId}/sites/{siteId}/outages (contract/outages.ts). */

import { Hono } from 'hono';
import { isOutageEvent, pairOutages, partnerIds } from '../outages/history.js';
import type { OperationalEvent } from '../operational/store.js';
import type { CloudDeps, CloudEnv } from './context.js';
import { DEFAULT_OUTAGE_DAYS, getSiteOutages, MAX_OUTAGE_DAYS } from './contract/outages.js';
import { errorAnswer, invalidField, notFound } from './errors.js';
import { mount, type Authenticate } from './mount.js';

const DAY_MS = 86_400_000;
/**
 * An outage is announced after its grace period (30 s; on AWS by a sweep,
 * up to a minute or two late): one that began just before `to` is announced
 * after it, so the events are read this far past `to`.
 */
const ANNOUNCED_WITHIN_MS = 10 * 60_000;

/** [from, to): default the 7 days up to now; from alone: up to now; to alone: the 7 days before it; at most 31 days. */
export function outageRange(from: number | undefined, to: number | undefined, nowMs: number): { fromMs: number; toMs: number } {
  const toMs = to ?? Math.max(nowMs, (from ?? 0) + 1);
  const fromMs = from ?? toMs - DEFAULT_OUTAGE_DAYS * DAY_MS;
  if (fromMs >= toMs) throw invalidField('from', 'must be before to');
  if (fromMs < 0) throw invalidField('from', 'must not be before 1970');
  if (toMs - fromMs > MAX_OUTAGE_DAYS * DAY_MS) throw invalidField('to', `the range may span at most ${MAX_OUTAGE_DAYS} days`);
  return { fromMs, toMs };
}

export function outageRoutes(deps: CloudDeps, authenticate: Authenticate): Hono<CloudEnv> {
  const app = new Hono<CloudEnv>();
  app.onError(errorAnswer);
  mount(app, authenticate, getSiteOutages, async (c, { params, query }) => {
    const tenantId = c.get('tenant').id;
    if (!(await deps.accounts.siteOfTenant(tenantId, params.siteId))) throw notFound();
    const { fromMs, toMs } = outageRange(query.from, query.to, deps.clock.now());
    const events: OperationalEvent[] = [];
    for await (const e of deps.operational.between(tenantId, fromMs, toMs + ANNOUNCED_WITHIN_MS)) if (e.siteId === params.siteId && isOutageEvent(e.type)) events.push(e);
    // The halves outside the range, by id: an end after it, a start before it, the start of the relay's outage now.
    const relay = await deps.gateway.status(params.siteId);
    const ongoing = relay.offlineSince ? { kind: 'relay' as const, since: relay.offlineSince } : undefined;
    events.push(...(await deps.operational.getMany(tenantId, partnerIds(events, params.siteId, ongoing))));
    return { siteId: params.siteId, from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), outages: pairOutages(events, params.siteId, { fromMs, toMs }) };
  });
  return app;
}
