/**
 * CDR search and call-center statistics (handlers: analytics/routes.ts).
 * Each parameter's own bounds are here; what depends on others or on the
 * current time (the default range, filters that apply to one record type,
 * a cursor that must agree with the parameters, whole-hour time zones) is
 * analytics/params.ts's, on these typed values.
 */

import * as v from 'valibot';
import { CcCdrEventSchema, CdrEventSchema } from '../../../../protocol/src/events/box-events.js';
import { GROUP_BYS } from '../../analytics/aggregate.js';
import { CDR_TYPES } from '../../analytics/keys.js';
import { ABANDON_KEYS, SL_BOUNDS } from '../../analytics/rollup.js';
import { idShape } from '../../store/ids.js';
import { anyCase, Instant, NextCursor, queryInteger, SiteId, TenantId, TimeZone, Timestamp } from './fields.js';
import { route } from './route.js';

const TAG = 'CDRs and statistics';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;
export const MAX_RANGE_DAYS = 366;
/** Longest filter value. */
export const MAX_FILTER = 256;
/** Longest cursor: it carries the query (filters of up to 256 characters each). */
export const MAX_CURSOR = 8192;

const ONE_SITE = `a site id (${idShape('site')}): one site; default every site of the tenant`;
const RANGE = `[from, to): at most ${MAX_RANGE_DAYS} days, not before 1970; default the 24 hours up to now`;

const Filter = (what: string) =>
  v.pipe(
    v.string(),
    v.maxLength(MAX_FILTER, `at most ${MAX_FILTER} printable characters`),
    v.regex(/^[^\x00-\x1f\x7f]*$/, `at most ${MAX_FILTER} printable characters`),
    v.check((s) => s !== '*', 'a prefix before * is required'),
    v.description(`${what}; exact, or a prefix ending in * (\`+49*\`)`),
  );

export const CdrParams = v.strictObject({
  siteId: v.optional(v.pipe(SiteId, v.description(ONE_SITE))),
  from: v.optional(v.pipe(Instant, v.description(`start, included: ${RANGE}`))),
  to: v.optional(v.pipe(Instant, v.description('end, excluded'))),
  type: v.optional(anyCase(CDR_TYPES, 'the record type (default cdr)')),
  caller: v.optional(Filter('the caller (cdr source, cc_cdr caller)')),
  called: v.optional(Filter('the called number (cdr destination, cc_cdr called)')),
  queue: v.optional(Filter('the queue (cc_cdr only)')),
  agent: v.optional(Filter('the agent (cc_cdr only)')),
  disposition: v.optional(Filter('cdr: ANSWERED, NO ANSWER, BUSY, FAILED, CONGESTION; cc_cdr (cdrState): bridged, feedback, queue, ivr — in any case')),
  missCause: v.optional(Filter('cc_cdr only: MEMBER_CANCEL, NO_AGENT_LOGIN, NO_ASSIGN, NO_AGENT_ANSWER — in any case')),
  limit: v.optional(queryInteger(1, MAX_LIMIT, `rows per page (default ${DEFAULT_LIMIT}); JSON only`)),
  cursor: v.optional(
    v.pipe(v.string(), v.maxLength(MAX_CURSOR, 'not a cursor of this API'), v.description('the `nextCursor` of the previous page; it carries the query: send it alone, or with the same parameters')),
  ),
  format: v.optional(v.pipe(v.picklist(['json', 'csv']), v.description('json (paged) or csv (the whole range, streamed)'))),
});

export const CdrRow = v.strictObject({
  id: v.pipe(v.string(), v.description('the event id (`webhook-id` of its delivery)')),
  siteId: SiteId,
  seq: v.number(),
  type: v.picklist(CDR_TYPES),
  occurredAt: Timestamp,
  call: v.optional(v.pipe(v.string(), v.description('the Asterisk Linkedid'))),
  data: v.pipe(v.union([CdrEventSchema, CcCdrEventSchema]), v.description('the box\'s record, exactly as the relay sent it')),
});

export const searchCdrs = route({
  id: 'searchCdrs',
  method: 'get',
  path: '/v1/tenants/{tenantId}/cdrs',
  summary: 'Search CDRs (cdr or cc_cdr records)',
  description: 'In time order (then site, then seq), paged by cursor; `format=csv` streams the whole range instead.',
  tag: TAG,
  auth: 'tenant',
  scopes: ['admin', 'read'],
  params: v.strictObject({ tenantId: TenantId }),
  query: CdrParams,
  success: {
    status: 200,
    description: 'a page of records',
    schema: v.strictObject({ data: v.array(CdrRow), nextCursor: NextCursor }),
    alternatives: { 'text/csv': { description: 'with format=csv: a header line, then one line per record (attachment)' } },
  },
});

const Metrics = v.strictObject({
  offered: v.number(),
  answered: v.number(),
  abandoned: v.number(),
  abandonedBy: v.strictObject(Object.fromEntries(ABANDON_KEYS.map((k) => [k, v.number()]))),
  answerRate: v.pipe(v.nullable(v.number()), v.description('answered ÷ offered, 0..1')),
  averageSpeedOfAnswer: v.pipe(v.nullable(v.number()), v.description('seconds')),
  averageTalk: v.nullable(v.number()),
  averageHold: v.nullable(v.number()),
  serviceLevel: v.pipe(v.nullable(v.number()), v.description('answered within serviceLevelSeconds ÷ offered, 0..1')),
  maxWait: v.pipe(v.nullable(v.number()), v.description('seconds')),
});

const Group = v.strictObject({
  key: v.pipe(v.string(), v.description('the hour or day (ISO 8601 in the time zone), or the queue or agent code')),
  ...Metrics.entries,
});

export const getStats = route({
  id: 'getStats',
  method: 'get',
  path: '/v1/tenants/{tenantId}/stats',
  summary: 'Call-center statistics',
  description: 'From the cc_cdr records, by hour, day, queue or agent; the range widens to whole hours (hour, day) or whole UTC days (queue, agent), and the answer says so.',
  tag: TAG,
  auth: 'tenant',
  scopes: ['admin', 'read'],
  params: v.strictObject({ tenantId: TenantId }),
  query: v.strictObject({
    siteId: v.optional(v.pipe(SiteId, v.description(ONE_SITE))),
    from: v.optional(v.pipe(Instant, v.description(`start: ${RANGE}`))),
    to: v.optional(v.pipe(Instant, v.description('end, excluded'))),
    groupBy: v.optional(v.pipe(v.picklist(GROUP_BYS, `one of ${GROUP_BYS.join(', ')}`), v.description('hour, day (default), queue or agent'))),
    slSeconds: v.optional(
      v.pipe(
        v.string(),
        v.check((s) => (SL_BOUNDS as readonly number[]).includes(Number(s)) && /^\d{1,4}$/.test(s), `one of ${SL_BOUNDS.join(', ')}`),
        v.transform(Number),
        v.metadata({ wire: { type: 'integer', enum: SL_BOUNDS, description: 'the service level\'s threshold in seconds (default 20)' } }),
      ),
    ),
    timezone: v.optional(v.pipe(TimeZone, v.description('days and hours of this zone (groupBy hour or day); its offset must be whole hours'))),
  }),
  success: {
    status: 200,
    description: 'the groups and their total',
    schema: v.strictObject({
      siteId: v.nullable(SiteId),
      from: Timestamp,
      to: Timestamp,
      groupBy: v.picklist(GROUP_BYS),
      timezone: v.string(),
      serviceLevelSeconds: v.number(),
      groups: v.array(Group),
      total: Metrics,
    }),
  },
});

export const ANALYTICS_ROUTES = [searchCdrs, getStats] as const;
