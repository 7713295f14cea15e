/**
 * Opening a stream, for both runtimes: who is asking (a ticket, or a tenant
 * key in the Authorization header), what it wants (the ticket's filter, or
 * the query's), and where it resumes (`after`). Everything is checked before
 * the connection is accepted, with the /v1 API's errors; only an `after`
 * that can no longer be honoured is told on the open connection (a browser
 * cannot read a refused upgrade's answer, but it reads a close code).
 */

import type { Clock } from '../../../protocol/src/clock.js';
import { missingScope, principalOf } from '../api/auth.js';
import { agentStreamFilter } from '../api/agent-scope.js';
import { EVENT_ID_PATTERN, StreamQuery } from '../api/contract/stream.js';
import { apiError, invalidField } from '../api/errors.js';
import { queryObject, validate } from '../api/input.js';
import type { AccountStore } from '../store/accounts.js';
import { grants, type Scope } from '../store/api-keys.js';
import { eventId, type EventStore } from '../store/events.js';
import type { StreamFilter } from './filter.js';
import type { TicketStore } from './tickets.js';

export interface OpenDeps {
  accounts: AccountStore;
  tickets: Pick<TicketStore, 'take'>;
  events: Pick<EventStore, 'get'>;
  clock: Clock;
  /** How far back `after` may reach. */
  resumeWindowMs: number;
}

export interface OpenedStream {
  tenantId: string;
  filter: StreamFilter;
  /** Per site, the seq after which to resume. */
  after: Map<string, number>;
  state: boolean;
  /** Set when `after` cannot be honoured: the connection is closed with `after-expired` and this message. */
  expired?: string;
}

const FILTER_KEYS = ['siteIds', 'events', 'extensions'] as const;
/** A key that may open a stream holds one of these (as the ticket route asks). */
const STREAM_SCOPES: readonly Scope[] = ['admin', 'read', 'agent'];

/** Checks a stream request; throws an ApiError (answered before any upgrade) when it is refused. */
export async function openStream(deps: OpenDeps, params: URLSearchParams, authorization: string | undefined): Promise<OpenedStream> {
  const q = validate(StreamQuery, queryObject(params), 'query');
  let tenantId: string;
  let filter: StreamFilter;
  if (q.ticket !== undefined) {
    const given = FILTER_KEYS.find((k) => q[k] !== undefined);
    if (given) throw invalidField(given, 'a ticket carries its filter: give it when asking for the ticket');
    const ticket = await deps.tickets.take(q.ticket);
    if (!ticket) throw apiError('unauthorized', 'the ticket is unknown, used or expired: ask for a new one (POST /v1/tenants/{tenantId}/stream-tickets)');
    tenantId = ticket.tenantId;
    filter = ticket.filter;
  } else {
    const key = await principalOf(deps, authorization);
    if (!key) throw apiError('unauthorized', 'a ticket (?ticket=) or a tenant key (Authorization: Bearer) is required');
    if (!grants(key.scopes, STREAM_SCOPES)) throw missingScope(STREAM_SCOPES);
    tenantId = key.tenantId;
    const asked = withoutUndefined({ siteIds: q.siteIds, events: q.events, extensions: q.extensions });
    filter = key.agent ? agentStreamFilter(key.agent, asked) : asked;
    await checkSites(deps, tenantId, filter.siteIds ?? [], 'siteIds');
  }

  const after = new Map<string, number>();
  for (const id of q.after ?? []) {
    const [, siteId, seq] = EVENT_ID_PATTERN.exec(id) as RegExpExecArray;
    if (after.has(siteId)) throw invalidField('after', `two ids of site ${siteId}: give the last one received of each site`);
    if (filter.siteIds && !filter.siteIds.includes(siteId)) throw invalidField('after', `${id} is of site ${siteId}, which this stream does not follow`);
    after.set(siteId, Number(seq));
  }
  await checkSites(deps, tenantId, [...after.keys()], 'after');
  return { tenantId, filter, after, state: q.state ?? false, expired: await expiredAfter(deps, after) };
}

/** Filter sites must be the tenant's (the ticket's were checked when it was issued). */
export async function checkSites(deps: Pick<OpenDeps, 'accounts'>, tenantId: string, siteIds: readonly string[], field: string): Promise<void> {
  for (const id of siteIds) if (!(await deps.accounts.siteOfTenant(tenantId, id))) throw invalidField(field, `no site ${id} in this tenant`);
}

/** Why `after` cannot be honoured (the event is not stored, or older than the window), or undefined. */
async function expiredAfter(deps: OpenDeps, after: ReadonlyMap<string, number>): Promise<string | undefined> {
  for (const [siteId, seq] of after) {
    const e = await deps.events.get(siteId, seq);
    if (!e) return `${eventId(siteId, seq)} is not stored (never was, or it expired): reconnect without after`;
    if (Date.parse(e.occurredAt) < deps.clock.now() - deps.resumeWindowMs) return `${eventId(siteId, seq)} is older than the resume window (${deps.resumeWindowMs / 3_600_000} h): reconnect without after`;
  }
  return undefined;
}

export function withoutUndefined(f: StreamFilter): StreamFilter {
  return Object.fromEntries(Object.entries(f).filter(([, x]) => x !== undefined)) as StreamFilter;
}
