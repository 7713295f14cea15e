/** GET /v1/tenants/{tenantId}/sites/{siteId}/calls/{callId}/events (contract/calls.ts). */

import { Hono } from 'hono';
import { envelopeOf } from '../webhooks/envelope.js';
import type { CloudDeps, CloudEnv } from './context.js';
import { listCallEvents } from './contract/calls.js';
import { errorAnswer, notFound } from './errors.js';
import { mount, type Authenticate } from './mount.js';

export function callRoutes(deps: Pick<CloudDeps, 'accounts' | 'calls' | 'clock'>, authenticate: Authenticate): Hono<CloudEnv> {
  const app = new Hono<CloudEnv>();
  app.onError(errorAnswer);
  mount(app, authenticate, listCallEvents, async (c, { params }) => {
    // Another tenant's site answers like a missing one, before its index is read.
    if (!(await deps.accounts.siteOfTenant(c.get('tenant').id, params.siteId))) throw notFound();
    const { calls } = deps;
    const { events, truncated } = await calls.ofCall(params.siteId, params.callId);
    return {
      siteId: params.siteId,
      call: params.callId,
      data: events.map((e) => ({ ...envelopeOf(e), siteId: e.siteId, seq: e.seq })),
      truncated,
      retentionDays: calls.retentionDays,
      expiredBefore: new Date(deps.clock.now() - calls.retentionDays * 86_400_000).toISOString(),
    };
  });
  return app;
}
