/**
 * The routes of an endpoint's delivery log: the list (by status), one
 * delivery with its attempts, a resend (handlers: api/webhooks.ts; the work:
 * webhooks/service.ts).
 */

import * as v from 'valibot';
import { DELIVERY_STATUSES, MAX_ATTEMPTS_SHOWN, RESPONSE_BODY_BYTES } from '../../webhooks/deliveries.js';
import { anyCase, EventId, NextCursor, queryInteger, TenantId, Timestamp, WebhookId } from './fields.js';
import { route } from './route.js';
import { hookId, TAG } from './webhooks.js';

/** Page sizes of the delivery log. */
export const MAX_DELIVERIES_PAGE = 500;
export const DEFAULT_DELIVERIES_PAGE = 50;

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
  status: v.pipe(v.picklist(DELIVERY_STATUSES), v.description('pending: queued, not tried yet (a first delivery, or a resend); retrying: failed, another attempt is scheduled (nextAttemptAt); delivered; failed: given up (dead-lettered, or the endpoint was disabled); skipped: the endpoint was disabled before its turn')),
  attempts: v.number(),
  responseCode: v.nullable(v.number()),
  latencyMs: v.nullable(v.number()),
  error: v.nullable(v.string()),
  enqueuedAt: Timestamp,
  lastAttemptAt: v.nullable(Timestamp),
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

export const DELIVERY_ROUTES = [listDeliveries, getDelivery, resendDelivery] as const;
