/** A site's live state (handler: api/live.ts; model: protocol/src/live/state.ts). */

import * as v from 'valibot';
import { LiveStateSchema } from '../../../../protocol/src/live/state.js';
import { SiteId, TenantId, Timestamp } from './fields.js';
import { route } from './route.js';

/** Why the state is not current (absent when it is). */
export const STALE_REASONS = ['relay-offline', 'no-state', 'syncing', 'ami-disconnected', 'too-large'] as const;

export const LiveView = v.strictObject({
  siteId: SiteId,
  at: v.pipe(v.nullable(Timestamp), v.description('when the relay took this state (ISO 8601); null when the cloud never had one')),
  online: v.pipe(v.boolean(), v.description('a relay of the site is connected now')),
  stale: v.pipe(v.boolean(), v.description('the state is not current: do not show it as live (see `reason`)')),
  reason: v.optional(
    v.pipe(
      v.picklist(STALE_REASONS),
      v.description('relay-offline: the relay is not connected, the state is as it was `since`; no-state: the relay sends no live state (older than it) or has not yet; syncing: a snapshot is arriving, or the relay has not yet had the lists of Asterisk since it started; ami-disconnected: the relay lost Asterisk; too-large: the state outgrew what the cloud stores'),
    ),
  ),
  since: v.pipe(v.nullable(Timestamp), v.description('when the state last went online or offline')),
  amiConnected: v.boolean(),
  ...LiveStateSchema.entries,
});

const example = {
  siteId: 'site_7hq2m4k9x1c3v5b8',
  at: '2026-11-24T09:39:40.120Z',
  online: true,
  stale: false,
  since: '2026-11-24T09:01:12.000Z',
  amiConnected: true,
  extensions: { '801': { extension: '801', hint: 'SIP/801', status: '1', statusText: 'InUse', registration: 'registered' as const } },
  calls: {
    '1795513177.42': {
      id: '1795513177.42',
      channels: [{ uniqueid: '1795513177.42', name: 'SIP/801-00000018', state: '6', callerNum: '801', callerName: 'Bob Caller' }],
      caller: { number: '801', name: 'Bob Caller' },
      callee: { number: '804' },
      state: 'up' as const,
      startedAt: '2026-11-24T09:39:37.000Z',
      queue: '630',
      agent: 'sip/804',
      onHold: false,
    },
  },
  queues: {
    '630': {
      name: '630',
      members: { 'sip/803': { interface: 'sip/803', name: 'Dave Agent', paused: true, pausedReason: 'lunch', inCall: false } },
      callers: { '1795513180.45': { uniqueid: '1795513180.45', number: '0612345678', position: 1, since: '2026-11-24T09:39:50.000Z' } },
    },
  },
};

export const getLive = route({
  id: 'getLive',
  method: 'get',
  path: '/v1/tenants/{tenantId}/sites/{siteId}/live',
  summary: 'The site\'s live state: extensions, calls, queues',
  description:
    'What the relay last reported: extensions (status as in extension-hints-status, registration), active calls, queue members (paused, in call) and waiting callers. While the relay is offline the last state is answered with `stale: true` and `since`: it is not current.',
  tag: 'Live',
  auth: 'tenant',
  scopes: ['admin', 'read', 'agent'],
  params: v.strictObject({ tenantId: TenantId, siteId: SiteId }),
  success: { status: 200, description: 'the state', schema: LiveView, example },
});

export const LIVE_ROUTES = [getLive] as const;
