/**
 * The event history of a call (handler: analytics/routes.ts; the read:
 * store/call-events.ts).
 */

import * as v from 'valibot';
import { MAX_CALL_EVENTS } from '../../store/call-events.js';
import { CALL_ID_PATTERN } from '../../store/event-keys.js';
import { EXPIRING_TYPES } from '../../store/events.js';
import { SiteId, TenantId, Timestamp } from './fields.js';
import { route } from './route.js';

const CallId = v.pipe(
  v.string(),
  v.regex(CALL_ID_PATTERN),
  v.description('a call: Asterisk\'s Linkedid as the events carry it (`call` of a CDR row), 1-150 letters, digits or ._:@+-'),
  v.examples(['1700000000.12']),
);

const Envelope = v.strictObject({
  id: v.pipe(v.string(), v.description('the event id (`webhook-id` of its delivery)')),
  type: v.string(),
  siteId: SiteId,
  seq: v.number(),
  occurredAt: Timestamp,
  recovered: v.optional(v.pipe(v.literal(true), v.description('made by the relay for something that happened while it was not listening'))),
  partial: v.optional(v.pipe(v.literal(true), v.description('some fields could not be known'))),
  data: v.pipe(v.record(v.string(), v.unknown()), v.description('the box event, exactly as the relay sent it')),
});

const EXPIRING = [...EXPIRING_TYPES].join(', ');

export const listCallEvents = route({
  id: 'listCallEvents',
  method: 'get',
  path: '/v1/tenants/{tenantId}/sites/{siteId}/calls/{callId}/events',
  summary: 'The event history of a call',
  description: `Every stored event of the call, in seq order, as webhooks and the stream carry them, at most ${MAX_CALL_EVENTS} (truncated says when there were more). Raw call events (${EXPIRING}) are kept for the retention only (retentionDays): for an older call only its records (cdr, cc_cdr, ivr) are left, and expiredBefore says from when.`,
  tag: 'CDRs and statistics',
  auth: 'tenant',
  scopes: ['admin', 'read', 'calls'],
  params: v.strictObject({ tenantId: TenantId, siteId: SiteId, callId: CallId }),
  success: {
    status: 200,
    description: 'the call\'s events (an unknown call has none)',
    schema: v.strictObject({
      siteId: SiteId,
      call: v.string(),
      data: v.array(Envelope),
      truncated: v.pipe(v.boolean(), v.description(`more than ${MAX_CALL_EVENTS} events: the first ${MAX_CALL_EVENTS} are here`)),
      retentionDays: v.pipe(v.number(), v.description(`days raw call events (${EXPIRING}) are kept`)),
      expiredBefore: v.pipe(Timestamp, v.description(`raw call events of before this instant have expired (DynamoDB removes them within days of it)`)),
    }),
  },
});
