/**
 * What a tenant can do with its webhook endpoints (README "Webhooks"), apart
 * from HTTP: the routes (api/webhooks.ts) parse the request and answer with
 * what this returns; every refusal is an ApiError (400 a bad field, 404 an
 * endpoint, site, delivery or job that is not the tenant's, 409 a replay or
 * resend to a disabled one).
 */

import { randomBytes } from 'node:crypto';
import type { Clock } from '../../../protocol/src/clock.js';
import type { InputOf } from '../api/contract/route.js';
import { DEFAULT_DELIVERIES_PAGE, type listDeliveries } from '../api/contract/deliveries.js';
import { MAX_REPLAY_MS, type createWebhook, type replayWebhook, type updateWebhook } from '../api/contract/webhooks.js';
import { apiError, invalidField, notFound } from '../api/errors.js';
import type { AccountStore } from '../store/accounts.js';
import type { OperationalEventStore } from '../operational/store.js';
import { isOperationalEventType } from '../operational/types.js';
import { parseEventId, type EventStore } from '../store/events.js';
import type { Envelope, TenantEvent } from './envelope.js';
import { attemptError, postJson } from './deliver.js';
import { pendingState, type Attempt, type DeliveryLog, type DeliveryRecord } from './deliveries.js';
import type { WebhookFanout } from './fanout.js';
import type { WebhookNotices } from './notices.js';
import type { DeliveryQueue } from './queue.js';
import type { ReplayJob, ReplayJobs } from './replays.js';
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
  replays: ReplayJobs;
  queue: DeliveryQueue;
  notices: WebhookNotices;
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
/** What the routes hand in, validated by their schemas (api/contract/webhooks.ts, deliveries.ts). */
type CreateBody = InputOf<typeof createWebhook>['body'];
type UpdateBody = InputOf<typeof updateWebhook>['body'];
type DeliveriesQuery = InputOf<typeof listDeliveries>['query'];
type ReplayBody = InputOf<typeof replayWebhook>['body'];

export class WebhookService {
  constructor(private readonly deps: WebhookServiceDeps) {}

  /** A new endpoint and its secret (shown this once). */
  async create(tenantId: string, body: CreateBody): Promise<{ webhook: Webhook; secret: string }> {
    return this.deps.webhooks.create(tenantId, {
      url: await this.url(body.url),
      events: body.events ?? null,
      siteIds: await this.sitesOf(tenantId, body.siteIds ?? null),
      ordered: body.ordered ?? false,
    });
  }

  list(tenantId: string): Promise<Webhook[]> {
    return this.deps.webhooks.list(tenantId);
  }

  async get(tenantId: string, id: string): Promise<Webhook> {
    return (await this.deps.webhooks.get(tenantId, id)) ?? thrown(notFound());
  }

  async update(tenantId: string, id: string, body: UpdateBody): Promise<Webhook> {
    const change: WebhookChange = {};
    if (body.url !== undefined) change.url = await this.url(body.url);
    if (body.events !== undefined) change.events = body.events;
    if (body.siteIds !== undefined) change.siteIds = await this.sitesOf(tenantId, body.siteIds);
    if (body.ordered !== undefined) change.ordered = body.ordered;
    if (body.enabled !== undefined) change.enabled = body.enabled;
    const announce = body.enabled === false ? this.deps.notices.disabling({ id, tenantId, url: (await this.get(tenantId, id)).url }, 'user') : undefined;
    return (await this.deps.webhooks.update(tenantId, id, change, announce)) ?? thrown(notFound());
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
  async deliveryLog(tenantId: string, id: string, query: DeliveriesQuery): Promise<{ data: DeliveryRecord[]; nextCursor: string | null }> {
    await this.get(tenantId, id);
    const found = await this.deps.deliveries.list(id, query.limit ?? DEFAULT_DELIVERIES_PAGE, query.cursor, query.status);
    // Opaque to the caller: base64url of the store's sort key (the schema decodes and checks it).
    return { data: found.data, nextCursor: found.nextCursor ? Buffer.from(found.nextCursor).toString('base64url') : null };
  }

  /** One delivery of an event to the endpoint, with its attempts. */
  async delivery(tenantId: string, id: string, eventId: string): Promise<DeliveryRecord & { attemptLog: Attempt[] }> {
    await this.get(tenantId, id);
    return (await this.deps.deliveries.get(id, eventId, parseEventId(eventId)?.seq ?? null)) ?? thrown(notFound());
  }

  /** Queue one more attempt of a delivery now, whatever its state (same event id; retried on the schedule if it fails). */
  async resend(tenantId: string, id: string, eventId: string): Promise<{ webhookId: string; eventId: string; status: 'pending'; attempt: number; queuedAt: string }> {
    const webhook = await this.active(tenantId, id, 'resending');
    const seq = parseEventId(eventId)?.seq ?? null;
    const delivery = (await this.deps.deliveries.get(id, eventId, seq)) ?? thrown(notFound());
    const event = (await this.event(tenantId, eventId)) ?? thrown(apiError('not-found', 'the event is no longer stored (events are kept for the retention period)'));
    const now = this.deps.clock.now();
    const queuedAt = new Date(now).toISOString();
    // The same delivery record (named by when it began), queued again now; a fresh retry schedule from its attempts so far.
    const message = { enqueuedAt: Date.parse(delivery.enqueuedAt), queuedAt: now, attemptsBefore: delivery.attempts, scheduleFrom: delivery.attempts, requeues: 0 };
    // Pending first, in the due index: if the queue loses the message, recovery queues it again; the attempt, however quick, is recorded after it.
    await this.deps.deliveries.record({ webhookId: id, tenantId, eventId, seq, ...message }, pendingState(delivery, delivery));
    await this.deps.fanout.replay(webhook, once(event), () => true, `resend.${now.toString(36)}`, { message, recorded: true });
    return { webhookId: id, eventId, status: 'pending', attempt: delivery.attempts + 1, queuedAt };
  }

  /** Start sending the stored events of a time range to the endpoint again (same event ids): a job, run step by step from the queue. */
  async replay(tenantId: string, id: string, body: ReplayBody): Promise<ReplayJob> {
    const found = await this.active(tenantId, id, 'replaying');
    const { from } = body;
    const to = body.to ?? this.deps.clock.now();
    if (to < from) throw invalidField('to', 'must not be before from');
    if (to - from > MAX_REPLAY_MS) throw invalidField('to', 'replay at most 31 days at a time');
    const sites = found.siteIds ?? (await this.deps.accounts.listSites(tenantId)).map((s) => s.id);
    // null: the cloud's own events of the tenant (outages, …), for the endpoints that name them.
    const sources = found.events?.some(isOperationalEventType) ? [...sites, null] : sites;
    const { job, first } = await this.deps.replays.create(tenantId, found.id, from, to, sources);
    if (first) await this.deps.queue.sendStep(first);
    return job;
  }

  /** How far a replay job of the endpoint is. */
  async replayJob(tenantId: string, id: string, jobId: string): Promise<ReplayJob> {
    const job = await this.deps.replays.get(tenantId, jobId);
    if (!job || job.webhookId !== id) throw notFound();
    return job;
  }

  /** A stored event of the tenant: a box event of one of its sites, or one of its operational events. */
  private async event(tenantId: string, eventId: string): Promise<TenantEvent | undefined> {
    const box = parseEventId(eventId);
    if (!box) return (await this.deps.operational.getMany(tenantId, [eventId]))[0];
    const e = await this.deps.events.get(box.siteId, box.seq);
    return e?.tenantId === tenantId ? e : undefined;
  }

  private async active(tenantId: string, id: string, doing: string): Promise<Webhook> {
    const found = await this.get(tenantId, id);
    if (found.status !== 'active') throw apiError('webhook-disabled', `the endpoint is disabled: enable it (PATCH {"enabled":true}) before ${doing}`);
    return found;
  }

  /** A URL the cloud may POST to: http(s), and no private address unless the deployment allows it. */
  private async url(url: string): Promise<string> {
    try {
      return (await checkWebhookUrl(url, { allowPrivate: this.deps.delivery.allowPrivate, resolver: this.deps.delivery.resolver })).toString();
    } catch (err) {
      throw err instanceof WebhookUrlError ? apiError('invalid-field', err.message, { field: 'url' }) : err;
    }
  }

  /** The site ids, when every one is the tenant's. */
  private async sitesOf(tenantId: string, ids: string[] | null): Promise<string[] | null> {
    for (const id of ids ?? []) if (!(await this.deps.accounts.siteOfTenant(tenantId, id))) throw invalidField('siteIds', `no site ${id} in this tenant`);
    return ids;
  }
}

function thrown(err: Error): never {
  throw err;
}

async function* once<T>(item: T): AsyncGenerator<T> {
  yield item;
}
