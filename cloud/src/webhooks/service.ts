/**
 * What a tenant can do with its webhook endpoints (README "Webhooks"), apart
 * from HTTP: the routes (api/webhooks.ts) parse the request and answer with
 * what this returns; every refusal is an ApiError (400 a bad field, 404 an
 * endpoint or site that is not the tenant's, 409 a replay to a disabled one).
 */

import { randomBytes } from 'node:crypto';
import type { Clock } from '../../../protocol/src/clock.js';
import { invalid, notFound, apiError } from '../api/errors.js';
import type { AccountStore } from '../store/accounts.js';
import type { OperationalEventStore } from '../operational/store.js';
import { isOperationalEventType } from '../operational/types.js';
import type { EventStore } from '../store/events.js';
import type { Envelope, TenantEvent } from './envelope.js';
import { attemptError, postJson } from './deliver.js';
import type { DeliveryLog, DeliveryRecord } from './deliveries.js';
import { matches, type WebhookFanout } from './fanout.js';
import { booleanField, deliveriesPage, eventTypes, pageCursor, replayRange, siteIdList } from './input.js';
import { isDelivered } from './schedule.js';
import { signedHeaders } from './signing.js';
import { checkWebhookUrl, WebhookUrlError, type Resolver } from './ssrf.js';
import type { Webhook, WebhookInput, WebhookStore } from './subscriptions.js';

export interface WebhookServiceDeps {
  webhooks: WebhookStore;
  deliveries: DeliveryLog;
  fanout: WebhookFanout;
  accounts: AccountStore;
  events: EventStore;
  operational: OperationalEventStore;
  clock: Clock;
  /** How test sends go out: the same guard and timeout as deliveries. */
  delivery: { allowPrivate: boolean; resolver?: Resolver; timeoutMs: number };
}

/** What `POST …/test` reports. */
export interface TestSendResult {
  id: string;
  delivered: boolean;
  responseCode: number | null;
  latencyMs: number;
  error: string | null;
}

type WebhookChange = Partial<WebhookInput> & { enabled?: boolean };

export class WebhookService {
  constructor(private readonly deps: WebhookServiceDeps) {}

  /** A new endpoint and its secret (shown this once). */
  async create(tenantId: string, body: Record<string, unknown>): Promise<{ webhook: Webhook; secret: string }> {
    return this.deps.webhooks.create(tenantId, (await this.change(tenantId, body, false)) as WebhookInput);
  }

  list(tenantId: string): Promise<Webhook[]> {
    return this.deps.webhooks.list(tenantId);
  }

  async get(tenantId: string, id: string): Promise<Webhook> {
    return (await this.deps.webhooks.get(tenantId, id)) ?? thrown(notFound());
  }

  async update(tenantId: string, id: string, body: Record<string, unknown>): Promise<Webhook> {
    return (await this.deps.webhooks.update(tenantId, id, await this.change(tenantId, body, true))) ?? thrown(notFound());
  }

  async remove(tenantId: string, id: string): Promise<void> {
    if (!(await this.deps.webhooks.delete(tenantId, id))) throw notFound();
  }

  async rotateSecret(tenantId: string, id: string): Promise<string> {
    return (await this.deps.webhooks.rotateSecret(tenantId, id)) ?? thrown(notFound());
  }

  /** Send one signed test event now, and say how the endpoint answered. */
  async testSend(tenantId: string, id: string): Promise<TestSendResult> {
    const found = (await this.deps.webhooks.forDelivery(tenantId, id)) ?? thrown(notFound());
    const now = this.deps.clock.now();
    const eventId = `evt_test_${randomBytes(8).toString('hex')}`;
    const envelope: Envelope = {
      id: eventId,
      type: 'test',
      siteId: '',
      seq: 0,
      occurredAt: new Date(now).toISOString(),
      data: { event: 'test', timestamp: (now / 1000).toFixed(6), message: 'coocenter webhook test' },
    };
    const payload = JSON.stringify(envelope);
    const r = await postJson(found.webhook.url, payload, signedHeaders(found.secrets, eventId, Math.floor(now / 1000), payload), this.deps.delivery);
    const delivered = isDelivered(r.status);
    return { id: eventId, delivered, responseCode: r.status ?? null, latencyMs: r.latencyMs, error: attemptError(r, delivered) };
  }

  /** A page of the endpoint's delivery log, newest first. */
  async deliveryLog(tenantId: string, id: string, query: { limit?: string; cursor?: string }): Promise<{ data: DeliveryRecord[]; nextCursor: string | null }> {
    await this.get(tenantId, id);
    const page = deliveriesPage(query.limit, query.cursor);
    const found = await this.deps.deliveries.list(id, page.limit, page.after);
    return { data: found.data, nextCursor: pageCursor(found.nextCursor) };
  }

  /** Send the stored events of a time range to the endpoint again (same event ids). */
  async replay(tenantId: string, id: string, body: Record<string, unknown> | undefined): Promise<{ id: string; from: string; to: string; enqueued: number }> {
    const found = await this.get(tenantId, id);
    if (found.status !== 'active') throw apiError('conflict', 'the endpoint is disabled: enable it (PATCH {"enabled":true}) before replaying');
    if (!body) throw invalid('body must be a JSON object');
    const { from, to } = replayRange(body, this.deps.clock.now());
    const sites = found.siteIds ?? (await this.deps.accounts.listSites(tenantId)).map((s) => s.id);
    const wanted = (e: TenantEvent) => matches({ ...found, status: 'active' }, e);
    let enqueued = 0;
    for (const siteId of sites) enqueued += await this.deps.fanout.replay(found, this.deps.events.between(siteId, from, to), wanted);
    // The cloud's own events of the tenant (outages, …), for the endpoints that name them.
    if (found.events?.some(isOperationalEventType)) enqueued += await this.deps.fanout.replay(found, this.deps.operational.between(tenantId, from, to), wanted);
    return { id: found.id, from: new Date(from).toISOString(), to: new Date(to).toISOString(), enqueued };
  }

  /** A create (every field) or an update (only those given), checked in the order the fields are listed. */
  private async change(tenantId: string, b: Record<string, unknown>, partial: boolean): Promise<WebhookChange> {
    const out: WebhookChange = {};
    if (b.url !== undefined || !partial) out.url = await this.url(b.url);
    if (b.events !== undefined || !partial) out.events = eventTypes(b.events);
    if (b.siteIds !== undefined || !partial) out.siteIds = await this.sitesOf(tenantId, b.siteIds);
    if (b.ordered !== undefined || !partial) out.ordered = booleanField(b.ordered, 'ordered') ?? false;
    if (partial && b.enabled !== undefined) out.enabled = booleanField(b.enabled, 'enabled');
    return out;
  }

  /** A URL the cloud may POST to: http(s), and no private address unless the deployment allows it. */
  private async url(v: unknown): Promise<string> {
    if (typeof v !== 'string') throw invalid('url: required, a string');
    try {
      return (await checkWebhookUrl(v, { allowPrivate: this.deps.delivery.allowPrivate, resolver: this.deps.delivery.resolver })).toString();
    } catch (err) {
      throw err instanceof WebhookUrlError ? invalid(err.message) : err;
    }
  }

  private async sitesOf(tenantId: string, v: unknown): Promise<string[] | null> {
    const ids = siteIdList(v);
    for (const id of ids ?? []) if (!(await this.deps.accounts.siteOfTenant(tenantId, id))) throw invalid(`siteIds: no site ${id} in this tenant`);
    return ids;
  }
}

function thrown(err: Error): never {
  throw err;
}
