/**
 * Webhook endpoints of a tenant:
 *
 *   POST   /v1/tenants/{tenantId}/webhooks                     {url, events?, siteIds?, ordered?} → 201 + secret
 *   GET    /v1/tenants/{tenantId}/webhooks[/{id}]
 *   PATCH  /v1/tenants/{tenantId}/webhooks/{id}                {url?, events?, siteIds?, ordered?, enabled?}
 *   DELETE /v1/tenants/{tenantId}/webhooks/{id}
 *   POST   /v1/tenants/{tenantId}/webhooks/{id}/rotate-secret
 *   POST   /v1/tenants/{tenantId}/webhooks/{id}/test
 *   GET    /v1/tenants/{tenantId}/webhooks/{id}/deliveries?limit&cursor
 *   POST   /v1/tenants/{tenantId}/webhooks/{id}/replay          {from, to}
 */

import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { EVENT_TYPES, normaliseEventType, type EventType } from '../../../protocol/src/events/box-events.js';
import { postJson } from '../webhooks/deliver.js';
import { matches } from '../webhooks/fanout.js';
import { signedHeaders } from '../webhooks/signing.js';
import { checkWebhookUrl, WebhookUrlError } from '../webhooks/ssrf.js';
import type { WebhookInput } from '../webhooks/subscriptions.js';
import { jsonError, type CloudDeps, type CloudEnv, type CloudContext } from './context.js';

class InputError extends Error {}

async function body(c: CloudContext): Promise<Record<string, unknown>> {
  let b: unknown;
  try {
    b = await c.req.json();
  } catch {
    throw new InputError('body must be a JSON object');
  }
  if (!b || typeof b !== 'object' || Array.isArray(b)) throw new InputError('body must be a JSON object');
  return b as Record<string, unknown>;
}

function eventsOf(v: unknown): EventType[] | null {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v) || v.length === 0) throw new InputError(`events: a non-empty array of ${EVENT_TYPES.join(', ')}`);
  const out = new Set<EventType>();
  for (const name of v) {
    const t = typeof name === 'string' ? normaliseEventType(name) : undefined;
    if (!t) throw new InputError(`events: unknown event type ${JSON.stringify(name)} (known: ${EVENT_TYPES.join(', ')})`);
    out.add(t);
  }
  return [...out];
}

/** ISO 8601 or epoch milliseconds. */
export function instant(v: unknown, name: string): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
    if (Number.isFinite(n)) return n;
  }
  throw new InputError(`${name}: an ISO 8601 time or epoch milliseconds`);
}

export function webhookRoutes(deps: CloudDeps): Hono<CloudEnv> {
  const app = new Hono<CloudEnv>();
  const w = deps.webhooks;
  const allowPrivate = deps.allowPrivateWebhooks;

  app.onError((err, c) => {
    if (err instanceof InputError || err instanceof WebhookUrlError) return jsonError(c, 400, err.message);
    throw err;
  });

  const checkSites = async (tenantId: string, v: unknown): Promise<string[] | null> => {
    if (v === undefined || v === null) return null;
    if (!Array.isArray(v) || v.length === 0 || v.some((s) => typeof s !== 'string')) throw new InputError('siteIds: a non-empty array of site ids');
    for (const id of v as string[]) if (!(await deps.accounts.siteOfTenant(tenantId, id))) throw new InputError(`siteIds: no site ${id} in this tenant`);
    return [...new Set(v as string[])];
  };

  const input = async (c: CloudContext, partial: boolean): Promise<Partial<WebhookInput> & { enabled?: boolean }> => {
    const b = await body(c);
    const tenantId = c.get('tenant').id;
    const out: Partial<WebhookInput> & { enabled?: boolean } = {};
    if (b.url !== undefined || !partial) {
      if (typeof b.url !== 'string') throw new InputError('url: required, a string');
      out.url = (await checkWebhookUrl(b.url, { allowPrivate, resolver: deps.resolver })).toString();
    }
    if (b.events !== undefined || !partial) out.events = eventsOf(b.events);
    if (b.siteIds !== undefined || !partial) out.siteIds = await checkSites(tenantId, b.siteIds);
    if (b.ordered !== undefined || !partial) {
      if (b.ordered !== undefined && typeof b.ordered !== 'boolean') throw new InputError('ordered: a boolean');
      out.ordered = (b.ordered as boolean | undefined) ?? false;
    }
    if (partial && b.enabled !== undefined) {
      if (typeof b.enabled !== 'boolean') throw new InputError('enabled: a boolean');
      out.enabled = b.enabled;
    }
    return out;
  };

  const base = '/v1/tenants/:tenantId/webhooks';

  app.post(base, async (c) => {
    const { webhook, secret } = await w.create(c.get('tenant').id, (await input(c, false)) as WebhookInput);
    c.get('log').info('webhook created', { webhookId: webhook.id });
    return c.json({ ...webhook, secret }, 201);
  });

  app.get(base, async (c) => c.json({ data: await w.list(c.get('tenant').id) }));

  app.get(`${base}/:id`, async (c) => {
    const found = await w.get(c.get('tenant').id, c.req.param('id'));
    return found ? c.json(found) : jsonError(c, 404, 'not found');
  });

  app.patch(`${base}/:id`, async (c) => {
    const updated = await w.update(c.get('tenant').id, c.req.param('id'), await input(c, true));
    return updated ? c.json(updated) : jsonError(c, 404, 'not found');
  });

  app.delete(`${base}/:id`, async (c) => ((await w.delete(c.get('tenant').id, c.req.param('id'))) ? c.body(null, 204) : jsonError(c, 404, 'not found')));

  app.post(`${base}/:id/rotate-secret`, async (c) => {
    const secret = await w.rotateSecret(c.get('tenant').id, c.req.param('id'));
    return secret ? c.json({ id: c.req.param('id'), secret, previousSecretValidForHours: 24 }) : jsonError(c, 404, 'not found');
  });

  app.post(`${base}/:id/test`, async (c) => {
    const found = await w.forDelivery(c.get('tenant').id, c.req.param('id'));
    if (!found) return jsonError(c, 404, 'not found');
    const now = deps.clock.now();
    const id = `evt_test_${randomBytes(8).toString('hex')}`;
    const envelope = { id, type: 'test', siteId: '', seq: 0, occurredAt: new Date(now).toISOString(), data: { event: 'test', timestamp: (now / 1000).toFixed(6), message: 'coocenter webhook test' } };
    const payload = JSON.stringify(envelope);
    const r = await postJson(found.webhook.url, payload, signedHeaders(found.secrets, id, Math.floor(now / 1000), payload), {
      allowPrivate,
      resolver: deps.resolver,
      timeoutMs: deps.deliveryTimeoutMs,
    });
    const delivered = r.status !== undefined && r.status >= 200 && r.status < 300;
    return c.json({ id, delivered, responseCode: r.status ?? null, latencyMs: r.latencyMs, error: r.error ?? (delivered ? null : `HTTP ${r.status}`) });
  });

  app.get(`${base}/:id/deliveries`, async (c) => {
    if (!(await w.get(c.get('tenant').id, c.req.param('id')))) return jsonError(c, 404, 'not found');
    const limit = Number(c.req.query('limit') ?? '50');
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) return jsonError(c, 400, 'limit: 1 to 500');
    const cursor = c.req.query('cursor');
    const page = await deps.deliveries.list(c.req.param('id'), limit, cursor ? Buffer.from(cursor, 'base64url').toString() : undefined);
    return c.json({ data: page.data, nextCursor: page.nextCursor ? Buffer.from(page.nextCursor).toString('base64url') : null });
  });

  app.post(`${base}/:id/replay`, async (c) => {
    const tenantId = c.get('tenant').id;
    const found = await w.get(tenantId, c.req.param('id'));
    if (!found) return jsonError(c, 404, 'not found');
    if (found.status !== 'active') return jsonError(c, 409, 'the endpoint is disabled: enable it (PATCH {"enabled":true}) before replaying');
    const b = await body(c);
    const from = instant(b.from, 'from');
    const to = instant(b.to ?? deps.clock.now(), 'to');
    if (to < from) return jsonError(c, 400, 'to: must not be before from');
    if (to - from > 31 * 86_400_000) return jsonError(c, 400, 'replay at most 31 days at a time');
    const sites = found.siteIds ?? (await deps.accounts.listSites(tenantId)).map((s) => s.id);
    let enqueued = 0;
    for (const siteId of sites) {
      enqueued += await deps.fanout.replay(found, deps.events.between(siteId, from, to), (e) => matches({ ...found, status: 'active' }, e));
    }
    c.get('log').info('webhook replay', { webhookId: found.id, enqueued });
    return c.json({ id: found.id, from: new Date(from).toISOString(), to: new Date(to).toISOString(), enqueued }, 202);
  });

  return app;
}
