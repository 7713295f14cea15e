/**
 * The webhook endpoint routes (handlers: api/webhooks.ts; the work:
 * webhooks/service.ts). The checks that need I/O — the URL's addresses
 * (SSRF), whether the site ids are the tenant's — are the service's; every
 * other bound is here.
 */

import * as v from 'valibot';
import { EVENT_TYPES } from '../../../../protocol/src/events/box-events.js';
import { TENANT_EVENT_TYPES, tenantEventType, type TenantEventType } from '../../operational/types.js';
import { BODY_LIMITS } from '../body.js';
import { DELIVERY_STATUSES, MAX_ATTEMPTS_SHOWN, RESPONSE_BODY_BYTES } from '../../webhooks/deliveries.js';
import { anyCase, BodyInstant, EventId, NextCursor, queryInteger, ReplayJobId, SiteId, TenantId, Timestamp, WebhookId } from './fields.js';
import { route } from './route.js';

const TAG = 'Webhooks';

/** At most this much is replayed in one request. */
export const MAX_REPLAY_MS = 31 * 86_400_000;
/** Page sizes of the delivery log. */
export const MAX_DELIVERIES_PAGE = 500;
export const DEFAULT_DELIVERIES_PAGE = 50;
/** At most this many sites in one endpoint's `siteIds` (more: leave it out, every site). */
export const MAX_SITE_IDS = 1000;
const MAX_URL = 2048;

const Url = v.pipe(v.string(), v.maxLength(MAX_URL), v.description(`where to POST: an http(s) URL of at most ${MAX_URL} characters, on a public address`), v.examples(['https://crm.example.com/hooks/coocenter']));

const EventTypeName = v.pipe(
  v.string(),
  v.maxLength(32),
  v.check((s) => tenantEventType(s) !== undefined, (issue) => `unknown event type ${JSON.stringify(issue.input)} (known: ${TENANT_EVENT_TYPES.join(', ')})`),
  v.transform((s) => tenantEventType(s) as TenantEventType),
  v.metadata({
    wire: { type: 'string', enum: TENANT_EVENT_TYPES, description: 'an event type, in any case: a box event (the box\'s `dialbegein` is `dialbegin`) or one of the cloud\'s operational events (relay.offline, …)' },
  }),
);

const Events = v.pipe(
  v.nullable(v.pipe(v.array(EventTypeName), v.minLength(1), v.transform((types) => [...new Set(types)]))),
  v.description(`a non-empty array of ${TENANT_EVENT_TYPES.join(', ')}; null or absent: the box events (${EVENT_TYPES.join(', ')}), operational events only when named`),
);

const SiteIds = v.pipe(
  v.nullable(v.pipe(v.array(SiteId), v.minLength(1), v.maxLength(MAX_SITE_IDS, `at most ${MAX_SITE_IDS} site ids (leave siteIds out for every site)`), v.transform((ids) => [...new Set(ids)]))),
  v.description(`a non-empty array of at most ${MAX_SITE_IDS} site ids of the tenant; null or absent: every site`),
);

const Ordered = v.pipe(v.boolean(), v.description('a boolean: one call\'s events one at a time, in order'));

const hookId = v.strictObject({ tenantId: TenantId, id: WebhookId });

export const WebhookView = v.strictObject({
  id: WebhookId,
  tenantId: TenantId,
  url: v.string(),
  events: v.nullable(v.array(v.picklist(TENANT_EVENT_TYPES))),
  siteIds: v.nullable(v.array(v.string())),
  ordered: v.boolean(),
  status: v.picklist(['active', 'disabled']),
  disabledReason: v.optional(v.string()),
  disabledAt: v.optional(Timestamp),
  failingSince: v.optional(v.pipe(Timestamp, v.description('the first failure since the last success; disabled after 5 days of it'))),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

const hookExample = {
  id: 'wh_7hq2m4k9x1c3v5b8',
  tenantId: 'ten_7hq2m4k9x1c3v5b8',
  url: 'https://crm.example.com/hooks/coocenter',
  events: ['cdr', 'cc_cdr'] as TenantEventType[],
  siteIds: null,
  ordered: false,
  status: 'active' as const,
  createdAt: '2026-11-24T09:00:00.000Z',
  updatedAt: '2026-11-24T09:00:00.000Z',
};

const Secret = v.pipe(v.string(), v.description('`whsec_…`: the signing secret (Standard Webhooks)'));

export const createWebhook = route({
  id: 'createWebhook',
  method: 'post',
  path: '/v1/tenants/{tenantId}/webhooks',
  summary: 'Create a webhook endpoint',
  description: 'Every event of the tenant\'s sites that matches is POSTed to it, signed. Answers the secret once.',
  tag: TAG,
  auth: 'tenant',
  scopes: ['admin', 'webhooks'],
  params: v.strictObject({ tenantId: TenantId }),
  body: {
    schema: v.strictObject({ url: Url, events: v.optional(Events), siteIds: v.optional(SiteIds), ordered: v.optional(Ordered) }),
    limit: BODY_LIMITS.webhooks,
    example: { url: 'https://crm.example.com/hooks/coocenter', events: ['cdr', 'cc_cdr'] },
  },
  success: { status: 201, description: 'the endpoint, with its secret (shown this once)', schema: v.strictObject({ ...WebhookView.entries, secret: Secret }), example: { ...hookExample, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' } },
});

export const listWebhooks = route({
  id: 'listWebhooks',
  method: 'get',
  path: '/v1/tenants/{tenantId}/webhooks',
  summary: 'List the tenant\'s webhook endpoints',
  tag: TAG,
  auth: 'tenant',
  scopes: ['admin', 'webhooks'],
  params: v.strictObject({ tenantId: TenantId }),
  success: { status: 200, description: 'every endpoint', schema: v.strictObject({ data: v.array(WebhookView) }), example: { data: [hookExample] } },
});

export const getWebhook = route({
  id: 'getWebhook',
  method: 'get',
  path: '/v1/tenants/{tenantId}/webhooks/{id}',
  summary: 'Show a webhook endpoint',
  tag: TAG,
  auth: 'tenant',
  scopes: ['admin', 'webhooks'],
  params: hookId,
  success: { status: 200, description: 'the endpoint', schema: WebhookView, example: hookExample },
});

export const updateWebhook = route({
  id: 'updateWebhook',
  method: 'patch',
  path: '/v1/tenants/{tenantId}/webhooks/{id}',
  summary: 'Change a webhook endpoint',
  description: 'Only the fields given change. `enabled: true` re-enables a disabled endpoint and clears its failure state.',
  tag: TAG,
  auth: 'tenant',
  scopes: ['admin', 'webhooks'],
  params: hookId,
  body: {
    schema: v.strictObject({
      url: v.optional(Url),
      events: v.optional(Events),
      siteIds: v.optional(SiteIds),
      ordered: v.optional(Ordered),
      enabled: v.optional(v.pipe(v.boolean(), v.description('a boolean: true re-enables a disabled endpoint'))),
    }),
    limit: BODY_LIMITS.webhooks,
    example: { events: ['cdr'], enabled: true },
  },
  success: { status: 200, description: 'the endpoint as changed', schema: WebhookView, example: hookExample },
});

export const deleteWebhook = route({
  id: 'deleteWebhook',
  method: 'delete',
  path: '/v1/tenants/{tenantId}/webhooks/{id}',
  summary: 'Delete a webhook endpoint',
  tag: TAG,
  auth: 'tenant',
  scopes: ['admin', 'webhooks'],
  params: hookId,
  success: { status: 204, description: 'deleted' },
});

export const rotateWebhookSecret = route({
  id: 'rotateWebhookSecret',
  method: 'post',
  path: '/v1/tenants/{tenantId}/webhooks/{id}/rotate-secret',
  summary: 'Rotate the signing secret',
  description: 'For 24 hours deliveries carry two signatures, one with each secret.',
  tag: TAG,
  auth: 'tenant',
  scopes: ['admin', 'webhooks'],
  params: hookId,
  success: {
    status: 200,
    description: 'the new secret (shown this once)',
    schema: v.strictObject({ id: WebhookId, secret: Secret, previousSecretValidForHours: v.number() }),
    example: { id: 'wh_7hq2m4k9x1c3v5b8', secret: 'whsec_2ZpQm0Yt0k7cXo3m1WcP7v4kN5a9bB1e', previousSecretValidForHours: 24 },
  },
});

export const testWebhook = route({
  id: 'testWebhook',
  method: 'post',
  path: '/v1/tenants/{tenantId}/webhooks/{id}/test',
  summary: 'Send a signed test event now',
  tag: TAG,
  auth: 'tenant',
  scopes: ['admin', 'webhooks'],
  params: hookId,
  success: {
    status: 200,
    description: 'how the endpoint answered',
    schema: v.strictObject({ id: v.string(), delivered: v.boolean(), responseCode: v.nullable(v.number()), latencyMs: v.number(), error: v.nullable(v.string()) }),
    example: { id: 'evt_test_3f2a9c0d1e4b5a67', delivered: true, responseCode: 200, latencyMs: 84, error: null },
  },
});

const DELIVERY_CURSOR = /^\d{1,20}#[\x21-\x7e]{1,256}$/;
const NOT_OURS = 'not a cursor of this API';

/** The delivery log's cursor: base64url of the store's sort key, checked like any input (an over-long one was a 500). */
const DeliveryCursor = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9_-]{0,512}$/, NOT_OURS),
  v.transform((s) => (s === '' ? undefined : Buffer.from(s, 'base64url').toString())),
  v.check((after) => after === undefined || DELIVERY_CURSOR.test(after), NOT_OURS),
  v.metadata({ wire: { type: 'string', description: 'the `nextCursor` of the previous page' } }),
);

export const DeliveryView = v.strictObject({
  eventId: v.string(),
  type: v.string(),
  siteId: v.pipe(v.nullable(v.string()), v.description('the site the event is about; null for an operational event about the tenant as a whole')),
  status: v.pipe(v.picklist(DELIVERY_STATUSES), v.description('pending: a resend is queued; retrying: failed, another attempt is scheduled (nextAttemptAt); delivered; failed: given up (dead-lettered, or the endpoint was disabled); skipped: the endpoint was disabled before its turn')),
  attempts: v.number(),
  responseCode: v.nullable(v.number()),
  latencyMs: v.nullable(v.number()),
  error: v.nullable(v.string()),
  enqueuedAt: Timestamp,
  lastAttemptAt: Timestamp,
  nextAttemptAt: v.nullable(Timestamp),
});

const deliveryExample = {
  eventId: 'evt_site_7hq2m4k9x1c3v5b8_1042',
  type: 'cdr',
  siteId: 'site_7hq2m4k9x1c3v5b8',
  status: 'delivered' as const,
  attempts: 1,
  responseCode: 200,
  latencyMs: 84,
  error: null,
  enqueuedAt: '2026-11-24T09:00:00.000Z',
  lastAttemptAt: '2026-11-24T09:00:00.090Z',
  nextAttemptAt: null,
};

export const listDeliveries = route({
  id: 'listDeliveries',
  method: 'get',
  path: '/v1/tenants/{tenantId}/webhooks/{id}/deliveries',
  summary: 'The endpoint\'s delivery log, newest first',
  description: 'With `status`, only deliveries in that state; such a page may hold fewer than `limit` rows and still have a `nextCursor` (the log is read a bounded amount per request).',
  tag: TAG,
  auth: 'tenant',
  scopes: ['admin', 'webhooks'],
  params: hookId,
  query: v.strictObject({
    limit: v.optional(queryInteger(1, MAX_DELIVERIES_PAGE, `rows per page (default ${DEFAULT_DELIVERIES_PAGE})`)),
    cursor: v.optional(DeliveryCursor),
    status: v.optional(anyCase(DELIVERY_STATUSES, 'only deliveries in this state')),
  }),
  success: {
    status: 200,
    description: 'a page of deliveries',
    schema: v.strictObject({ data: v.array(DeliveryView), nextCursor: NextCursor }),
    example: { data: [deliveryExample], nextCursor: null },
  },
});

const hookEvent = v.strictObject({ tenantId: TenantId, id: WebhookId, eventId: EventId });

export const AttemptView = v.strictObject({
  attempt: v.pipe(v.number(), v.description('1 for the first; counts on across resends')),
  at: Timestamp,
  responseCode: v.pipe(v.nullable(v.number()), v.description('the HTTP status; null when no answer came')),
  latencyMs: v.number(),
  error: v.nullable(v.string()),
  responseBody: v.pipe(v.nullable(v.string()), v.description(`the first ${RESPONSE_BODY_BYTES} bytes of the answer, as text; null when no answer came`)),
});

export const getDelivery = route({
  id: 'getDelivery',
  method: 'get',
  path: '/v1/tenants/{tenantId}/webhooks/{id}/deliveries/{eventId}',
  summary: 'One delivery, with every attempt',
  description: `Its newest ${MAX_ATTEMPTS_SHOWN} attempts, oldest first. 404 for an event never attempted at this endpoint.`,
  tag: TAG,
  auth: 'tenant',
  scopes: ['admin', 'webhooks'],
  params: hookEvent,
  success: {
    status: 200,
    description: 'the delivery and its attempts',
    schema: v.strictObject({ ...DeliveryView.entries, attemptLog: v.array(AttemptView) }),
    example: {
      ...deliveryExample,
      attempts: 2,
      attemptLog: [
        { attempt: 1, at: '2026-11-24T09:00:00.090Z', responseCode: 503, latencyMs: 12, error: 'HTTP 503', responseBody: '{"error":"maintenance"}' },
        { attempt: 2, at: '2026-11-24T09:00:05.120Z', responseCode: 200, latencyMs: 84, error: null, responseBody: '{"ok":true}' },
      ],
    },
  },
});

export const resendDelivery = route({
  id: 'resendDelivery',
  method: 'post',
  path: '/v1/tenants/{tenantId}/webhooks/{id}/deliveries/{eventId}/resend',
  summary: 'Send one delivered, failing or failed event again, now',
  description: 'A new attempt is queued at once, whatever the delivery\'s state, with the same event id (`webhook-id`); if it fails, it is retried on the usual schedule. The delivery shows `pending` until it is attempted.',
  tag: TAG,
  auth: 'tenant',
  scopes: ['admin', 'webhooks'],
  params: hookEvent,
  success: {
    status: 202,
    description: 'what was queued',
    schema: v.strictObject({ webhookId: WebhookId, eventId: v.string(), status: v.literal('pending'), attempt: v.pipe(v.number(), v.description('the number the queued attempt will have')), queuedAt: Timestamp }),
    example: { webhookId: 'wh_7hq2m4k9x1c3v5b8', eventId: 'evt_site_7hq2m4k9x1c3v5b8_1042', status: 'pending' as const, attempt: 9, queuedAt: '2026-11-25T08:00:00.000Z' },
  },
  errors: ['webhook-disabled'],
});

export const ReplayJobView = v.strictObject({
  jobId: ReplayJobId,
  webhookId: WebhookId,
  from: Timestamp,
  to: Timestamp,
  status: v.pipe(v.picklist(['running', 'done', 'stopped']), v.description('stopped: the endpoint was disabled or deleted while it ran (stoppedReason)')),
  stoppedReason: v.optional(v.string()),
  steps: v.pipe(v.number(), v.description('one per site and UTC day of the range')),
  stepsDone: v.number(),
  eventsFound: v.pipe(v.number(), v.description('stored events of the range read so far')),
  eventsQueued: v.pipe(v.number(), v.description('those of them that match the endpoint, queued for delivery')),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  finishedAt: v.optional(Timestamp),
});

const jobExample = {
  jobId: 'rpl_7hq2m4k9x1c3v5b8',
  webhookId: 'wh_7hq2m4k9x1c3v5b8',
  from: '2026-11-24T00:00:00.000Z',
  to: '2026-11-24T12:00:00.000Z',
  status: 'running' as const,
  steps: 2,
  stepsDone: 1,
  eventsFound: 240,
  eventsQueued: 118,
  createdAt: '2026-11-25T08:00:00.000Z',
  updatedAt: '2026-11-25T08:00:01.000Z',
};

export const replayWebhook = route({
  id: 'replayWebhook',
  method: 'post',
  path: '/v1/tenants/{tenantId}/webhooks/{id}/replay',
  summary: 'Send the stored events of a time range again',
  description: 'Same event ids as the first time (`webhook-id`), so a receiver drops what it already has. At most 31 days at a time. Runs in the background: follow it at `GET …/replays/{jobId}`.',
  tag: TAG,
  auth: 'tenant',
  scopes: ['admin', 'webhooks'],
  params: hookId,
  body: {
    schema: v.strictObject({ from: BodyInstant, to: v.optional(BodyInstant) }),
    limit: BODY_LIMITS.webhooks,
    example: { from: '2026-11-24T00:00:00Z', to: '2026-11-24T12:00:00Z' },
  },
  success: {
    status: 202,
    description: 'the replay job, started',
    schema: ReplayJobView,
    example: { ...jobExample, stepsDone: 0, eventsFound: 0, eventsQueued: 0, updatedAt: jobExample.createdAt },
  },
  errors: ['webhook-disabled'],
});

export const getReplay = route({
  id: 'getReplay',
  method: 'get',
  path: '/v1/tenants/{tenantId}/webhooks/{id}/replays/{jobId}',
  summary: 'How far a replay job is',
  description: 'Jobs are kept 7 days.',
  tag: TAG,
  auth: 'tenant',
  scopes: ['admin', 'webhooks'],
  params: v.strictObject({ tenantId: TenantId, id: WebhookId, jobId: ReplayJobId }),
  success: { status: 200, description: 'the job', schema: ReplayJobView, example: jobExample },
});

export const WEBHOOK_ROUTES = [
  createWebhook,
  listWebhooks,
  getWebhook,
  updateWebhook,
  deleteWebhook,
  rotateWebhookSecret,
  testWebhook,
  listDeliveries,
  getDelivery,
  resendDelivery,
  replayWebhook,
  getReplay,
] as const;
