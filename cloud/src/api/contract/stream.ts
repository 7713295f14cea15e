/**
 * The event stream's routes: a ticket for one connection, and the stream's
 * own query (GET /v1/stream is a WebSocket upgrade, served by the runtime's
 * stream hub, not by the Hono app; its query is validated here all the same,
 * with the same refusals). The filter's fields are declared once, for the
 * ticket's body and the stream's query.
 */

import * as v from 'valibot';
import { MAX_STREAM_EXTENSIONS, MAX_STREAM_SITES, TICKET_TTL_MS } from '../../stream/messages.js';
import { STREAM_EVENT_TYPES } from '../../stream/filter.js';
import { BODY_LIMITS } from '../body.js';
import { SiteId, TenantId, Timestamp } from './fields.js';
import { route } from './route.js';
import { EVENT_TYPES } from '../../../../protocol/src/events/box-events.js';
import { tenantEventType, type TenantEventType } from '../../operational/types.js';

const TAG = 'Event stream';

/** An extension as the box's events write it (digits mostly; feature codes and names too). */
export const Extension = v.pipe(v.string(), v.regex(/^[0-9A-Za-z*#+_.-]{1,32}$/, '1-32 letters, digits or *#+_.-'), v.description('an extension number, as the events carry it'));

const unique = <T>(xs: T[]): T[] => [...new Set(xs)];

const onStream = (s: string) => (STREAM_EVENT_TYPES as readonly string[]).includes(tenantEventType(s) ?? '');

/** A type the stream carries (filter.ts), in any case, as webhooks take them (`dialbegein` is `dialbegin`). */
const StreamEventTypeName = v.pipe(
  v.string(),
  v.maxLength(32),
  v.check((s) => tenantEventType(s) !== undefined, (issue) => `unknown event type ${JSON.stringify(issue.input)} (known: ${STREAM_EVENT_TYPES.join(', ')})`),
  v.check((s) => tenantEventType(s) === undefined || onStream(s), (issue) => `${JSON.stringify(issue.input)} is about the tenant's webhook endpoints, not a site: webhooks carry it, the stream does not (it carries ${STREAM_EVENT_TYPES.join(', ')})`),
  v.transform((s) => tenantEventType(s) as TenantEventType),
  v.metadata({
    wire: { type: 'string', enum: STREAM_EVENT_TYPES, description: 'an event type, in any case: a box event (the box\'s `dialbegein` is `dialbegin`) or an operational event about a site (relay.offline, …)' },
  }),
);

export const FilterFields = {
  siteIds: v.optional(
    v.pipe(v.array(SiteId), v.minLength(1), v.maxLength(MAX_STREAM_SITES, `at most ${MAX_STREAM_SITES} site ids (leave siteIds out for every site)`), v.transform(unique), v.description(`only these sites (at most ${MAX_STREAM_SITES}); absent: every site of the tenant`)),
  ),
  events: v.optional(
    v.pipe(
      v.array(StreamEventTypeName),
      v.minLength(1),
      v.transform(unique),
      v.description(`only these types (${STREAM_EVENT_TYPES.join(', ')}); absent: the box events (${EVENT_TYPES.join(', ')}), operational events only when named, as webhooks`),
    ),
  ),
  extensions: v.optional(
    v.pipe(v.array(Extension), v.minLength(1), v.maxLength(MAX_STREAM_EXTENSIONS, `at most ${MAX_STREAM_EXTENSIONS} extensions`), v.transform(unique), v.description(`only events touching these extensions (at most ${MAX_STREAM_EXTENSIONS}; README "The event stream" lists the fields that name one)`)),
  ),
};

export const createStreamTicket = route({
  id: 'createStreamTicket',
  method: 'post',
  path: '/v1/tenants/{tenantId}/stream-tickets',
  summary: 'A ticket for one stream connection',
  description: `For browsers, which cannot send an Authorization header on a WebSocket: good for ${TICKET_TTL_MS / 1000} s and one connection to GET /v1/stream?ticket=…, which sees the tenant's events through this filter.`,
  tag: TAG,
  auth: 'tenant',
  scopes: ['admin', 'read', 'agent'],
  params: v.strictObject({ tenantId: TenantId }),
  body: { schema: v.strictObject(FilterFields), limit: BODY_LIMITS.stream, example: { siteIds: ['site_7hq2m4k9x1c3v5b8'], extensions: ['101'] } },
  success: {
    status: 201,
    description: 'the ticket (shown this once) and when it stops being good',
    schema: v.strictObject({ ticket: v.pipe(v.string(), v.description('`stk_…`: put it in the stream URL as ?ticket=')), expiresAt: Timestamp, url: v.pipe(v.string(), v.description('where to open the stream with this ticket: /v1/stream?ticket=… on this API (resolve it against the API\'s origin, ws: or wss:), or an absolute wss://…?ticket=… where the stream is its own API (AWS); add &after=… or &state=1 as needed')) }),
    example: { ticket: 'stk_3q2m…', expiresAt: '2026-11-24T09:01:00.000Z', url: '/v1/stream?ticket=stk_3q2m…' },
  },
  errors: [],
});

export const STREAM_ROUTES = [createStreamTicket] as const;

/** `a,b,c` → the list (an empty item is kept, for the item's schema to refuse). */
const commaList = v.pipe(v.string(), v.maxLength(8192), v.transform((s) => s.split(',')));

/** `evt_<siteId>_<seq>`: the id of an event (store/events.ts eventId). */
export const EVENT_ID_PATTERN = /^evt_(site_[a-z0-9]{16})_(\d{1,15})$/;
const EventId = v.pipe(v.string(), v.regex(EVENT_ID_PATTERN, 'an event id (evt_<siteId>_<seq>)'));

/**
 * GET /v1/stream's query. With a ticket, the filter is the ticket's; with
 * the Authorization header, the filter is given here.
 */
export const StreamQuery = v.strictObject({
  ticket: v.optional(v.pipe(v.string(), v.maxLength(64), v.description('a ticket from POST /v1/tenants/{tenantId}/stream-tickets'))),
  siteIds: v.optional(v.pipe(commaList, FilterFields.siteIds.wrapped)),
  events: v.optional(v.pipe(commaList, FilterFields.events.wrapped)),
  extensions: v.optional(v.pipe(commaList, FilterFields.extensions.wrapped)),
  after: v.optional(
    v.pipe(commaList, v.array(EventId), v.maxLength(MAX_STREAM_SITES, `at most ${MAX_STREAM_SITES} ids, one per site`), v.description('resume after these event ids: the last one received of each site, comma-separated')),
  ),
  state: v.optional(v.pipe(v.picklist(['0', '1'], '1 (send the sites\' live state) or 0'), v.transform((s) => s === '1'))),
});
export type StreamQueryInput = v.InferOutput<typeof StreamQuery>;
