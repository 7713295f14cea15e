/** A site's outage history (handler: api/outages.ts; pairing: outages/history.ts). */

import * as v from 'valibot';
import { Instant, SiteId, TenantId, Timestamp } from './fields.js';
import { route } from './route.js';

export const DEFAULT_OUTAGE_DAYS = 7;
export const MAX_OUTAGE_DAYS = 31;

const Outage = v.strictObject({
  kind: v.pipe(v.picklist(['relay', 'ami']), v.description('relay: the relay had no connection to the cloud (relay.offline … relay.online); ami: the relay was connected but its AMI session could not serve commands (ami.down … ami.up)')),
  from: v.pipe(Timestamp, v.description('when it began: the connection lost, the AMI session down')),
  to: v.pipe(v.nullable(Timestamp), v.description('when it ended; null while it goes on')),
  reason: v.optional(v.pipe(v.string(), v.description('why, as relay.offline or ami.down said'))),
});

export const getSiteOutages = route({
  id: 'getSiteOutages',
  method: 'get',
  path: '/v1/tenants/{tenantId}/sites/{siteId}/outages',
  summary: "The site's outages: relay offline, AMI down",
  description: `The outages announced as operational events (README "Outages as events"), each start paired with its end, newest first: those that overlap [from, to). An outage counts once its grace period (30 s) has passed. Kept as long as the events (EVENT_RETENTION_DAYS).`,
  tag: 'Live',
  auth: 'tenant',
  scopes: ['admin', 'read'],
  params: v.strictObject({ tenantId: TenantId, siteId: SiteId }),
  query: v.strictObject({
    from: v.optional(v.pipe(Instant, v.description(`start, included: [from, to) spans at most ${MAX_OUTAGE_DAYS} days; default the ${DEFAULT_OUTAGE_DAYS} days up to now`))),
    to: v.optional(v.pipe(Instant, v.description('end, excluded'))),
  }),
  success: {
    status: 200,
    description: 'the outages, newest first',
    schema: v.strictObject({ siteId: SiteId, from: Timestamp, to: Timestamp, outages: v.array(Outage) }),
    example: {
      siteId: 'site_7hq2m4k9x1c3v5b8',
      from: '2026-11-17T09:40:00.000Z',
      to: '2026-11-24T09:40:00.000Z',
      outages: [
        { kind: 'ami', from: '2026-11-24T08:02:10.000Z', to: null, reason: 'AMI login failed' },
        { kind: 'relay', from: '2026-11-21T22:15:03.000Z', to: '2026-11-21T22:19:40.000Z', reason: 'connection lost' },
      ],
    },
  },
  errors: [],
});

export const OUTAGE_ROUTES = [getSiteOutages] as const;
