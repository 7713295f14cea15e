/**
 * Which endpoint gets which event (matches): an endpoint that names no types
 * keeps receiving the box's seven only, as receivers written for the box
 * expect; the cloud's operational events go to endpoints that name them.
 */
import { describe, expect, it } from 'vitest';
import { operationalEventId, type OperationalEvent } from '../operational/store.js';
import { OPERATIONAL_EVENT_TYPES } from '../operational/types.js';
import type { StoredEvent } from '../store/events.js';
import { envelopeOf } from './envelope.js';
import { matches } from './fanout.js';
import type { Webhook } from './subscriptions.js';

const endpoint = (over: Partial<Webhook> = {}): Webhook => ({
  id: 'wh_1',
  tenantId: 't1',
  url: 'https://crm.example/hook',
  events: null,
  siteIds: null,
  ordered: false,
  status: 'active',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

const hangup = { id: 'evt_s1_7', siteId: 's1', tenantId: 't1', seq: 7, type: 'hangup', occurredAt: '2026-01-01T10:00:00.000Z', data: { event: 'hangup' } } as unknown as StoredEvent;
const offline: OperationalEvent = {
  id: operationalEventId('relay.offline', 's1', 1767261600000),
  type: 'relay.offline',
  tenantId: 't1',
  siteId: 's1',
  occurredAt: '2026-01-01T10:00:30.000Z',
  data: { siteId: 's1', since: '2026-01-01T10:00:00.000Z', reason: 'connection lost' },
};
const aboutTenant: OperationalEvent = { ...offline, id: 'evt_t1_x', siteId: null };

describe('webhook fan-out: who gets what', () => {
  it('an endpoint without an events filter gets box events, never an operational one', () => {
    expect(matches(endpoint(), hangup)).toBe(true);
    for (const type of OPERATIONAL_EVENT_TYPES) expect(matches(endpoint(), { ...offline, type })).toBe(false);
  });

  it('an operational type is delivered where it is named, and only the types named', () => {
    const named = endpoint({ events: ['relay.offline', 'cdr'] });
    expect(matches(named, offline)).toBe(true);
    expect(matches(named, { ...offline, type: 'relay.online' })).toBe(false);
    expect(matches(named, hangup)).toBe(false);
    expect(matches({ ...named, status: 'disabled' }, offline)).toBe(false);
  });

  it('sites filter: an event about a site follows it; one about the whole tenant only reaches endpoints naming no sites', () => {
    const named = { events: ['relay.offline' as const] };
    expect(matches(endpoint({ ...named, siteIds: ['s1'] }), offline)).toBe(true);
    expect(matches(endpoint({ ...named, siteIds: ['s2'] }), offline)).toBe(false);
    expect(matches(endpoint({ ...named, siteIds: ['s1'] }), aboutTenant)).toBe(false);
    expect(matches(endpoint(named), aboutTenant)).toBe(true);
  });

  it('the envelope: seq null for an operational event, the box event exactly otherwise', () => {
    expect(envelopeOf(offline)).toEqual({ id: offline.id, type: 'relay.offline', siteId: 's1', seq: null, occurredAt: offline.occurredAt, data: offline.data });
    expect(envelopeOf(hangup)).toMatchObject({ seq: 7, data: { event: 'hangup' } });
    // Produced twice (a retry, two processes), the same occurrence has the same id.
    expect(operationalEventId('relay.offline', 's1', 1767261600000)).toBe(offline.id);
  });
});
