/**
 * The webhook endpoint routes (handlers: api/webhooks.ts; the work:
 * webhooks/service.ts). The checks that need I/O — the URL's addresses
 * (SSRF), whether the site ids are the tenant's — are the service's; every
 * other bound is here. The delivery log's routes are contract/deliveries.ts's.
 */

import * as v from 'valibot';
import { EVENT_TYPES } from '../../../../protocol/src/events/box-events.js';
import { TENANT_EVENT_TYPES, tenantEventType, type TenantEventType } from '../../operational/types.js';
import { BODY_LIMITS } from '../body.js';
import { BodyInstant, ReplayJobId, SiteId, TenantId, Timestamp, WebhookId } from './fields.js';
import { route } from './route.js';

export const TAG = 'Webhooks';

/** At most this much is replayed in one request. */
export const MAX_REPLAY_MS = 31 * 86_400_000;
/** At most this many sites in one endpoint's `siteIds` (more: leave it out, every site). */
export const MAX_SITE_IDS = 1000;
const MAX_URL = 2048;

const Url = v.pipe(v.string(), v.maxLength(MAX_URL), v.description(`where to POST: an http(s) URL of at most ${MAX_URL} characters, on a public address`), v.examples(['https://crm.example.com/hooks/coocenter']));

export const EventTypeName = v.pipe(
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

/** An endpoint of the tenant in the path. */
export const hookId = v.strictObject({ tenantId: TenantId, id: WebhookId });

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
  replayWebhook,
  getReplay,
] as const;
