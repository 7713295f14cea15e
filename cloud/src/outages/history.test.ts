import { describe, expect, it } from 'vitest';
import { operationalEventId, type OperationalEvent } from '../operational/store.js';
import type { OperationalEventType } from '../operational/types.js';
import { pairOutages, partnerIds } from './history.js';

const SITE = 'site_aaaaaaaaaaaaaaaa';
const H = 3_600_000;
const T0 = Date.parse('2026-12-01T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** An event as presence.ts announces it: keyed by when the outage began, `since` the moment it says. */
function ev(type: OperationalEventType, key: number, since: number, reason = 'x', siteId = SITE): OperationalEvent {
  return { id: operationalEventId(type, siteId, key), type, tenantId: 'ten_1', siteId, occurredAt: iso(since + 30_000), data: { siteId, since: iso(since), reason } };
}
const range = { fromMs: T0, toMs: T0 + 24 * H };

describe('outage history', () => {
  it('pairs each start with its end by key, newest first, with the start\'s reason', () => {
    const events = [
      ev('relay.offline', T0 + H, T0 + H, 'connection lost'),
      ev('ami.down', T0 + 3 * H, T0 + 3 * H, 'AMI login failed'),
      ev('relay.online', T0 + H, T0 + 2 * H, 'relay 0.1 connected'),
      ev('ami.up', T0 + 3 * H, T0 + 4 * H),
    ];
    expect(pairOutages(events, SITE, range)).toEqual([
      { kind: 'ami', from: iso(T0 + 3 * H), to: iso(T0 + 4 * H), reason: 'AMI login failed' },
      { kind: 'relay', from: iso(T0 + H), to: iso(T0 + 2 * H), reason: 'connection lost' },
    ]);
  });

  it('an outage still going on has to: null, and its end is asked for by id', () => {
    const events = [ev('relay.offline', T0 + 5 * H, T0 + 5 * H, 'relay closed')];
    expect(pairOutages(events, SITE, range)).toEqual([{ kind: 'relay', from: iso(T0 + 5 * H), to: null, reason: 'relay closed' }]);
    expect(partnerIds(events, SITE)).toEqual([operationalEventId('relay.online', SITE, T0 + 5 * H)]);
  });

  it('an offline whose online came after the range: the online is read by id and ends it', () => {
    const offline = ev('relay.offline', T0 + 23 * H, T0 + 23 * H);
    const online = ev('relay.online', T0 + 23 * H, T0 + 26 * H);
    expect(partnerIds([offline], SITE)).toEqual([online.id]);
    expect(pairOutages([offline, online], SITE, range)).toEqual([{ kind: 'relay', from: iso(T0 + 23 * H), to: iso(T0 + 26 * H), reason: 'x' }]);
  });

  it('an online in the range whose offline came before it: the outage began before the range, and overlaps it', () => {
    const online = ev('relay.online', T0 - 2 * H, T0 + H);
    expect(partnerIds([online], SITE)).toEqual([operationalEventId('relay.offline', SITE, T0 - 2 * H)]);
    // Even without its start (expired), the key says when it began.
    expect(pairOutages([online], SITE, range)).toEqual([{ kind: 'relay', from: iso(T0 - 2 * H), to: iso(T0 + H) }]);
  });

  it('the relay offline now since before the range: its start is asked for', () => {
    expect(partnerIds([], SITE, { kind: 'relay', since: iso(T0 - 48 * H) })).toEqual([operationalEventId('relay.offline', SITE, T0 - 48 * H)]);
    expect(pairOutages([ev('relay.offline', T0 - 48 * H, T0 - 48 * H)], SITE, range)).toEqual([{ kind: 'relay', from: iso(T0 - 48 * H), to: null, reason: 'x' }]);
  });

  it('duplicates (the same id twice) count once; other sites, other types and outages outside the range are left out', () => {
    const a = ev('relay.offline', T0 + H, T0 + H);
    const b = ev('relay.online', T0 + H, T0 + 2 * H);
    const events = [
      a, b, { ...a }, { ...b },
      ev('relay.offline', T0 + H, T0 + H, 'x', 'site_bbbbbbbbbbbbbbbb'),
      { ...ev('relay.offline', T0 + 7 * H, T0 + 7 * H), type: 'webhook.disabled' as const },
      ev('relay.offline', T0 - 5 * H, T0 - 5 * H), ev('relay.online', T0 - 5 * H, T0 - 4 * H),
      ev('ami.down', T0 + 25 * H, T0 + 25 * H),
    ];
    expect(pairOutages(events, SITE, range)).toEqual([{ kind: 'relay', from: iso(T0 + H), to: iso(T0 + 2 * H), reason: 'x' }]);
    expect(partnerIds([a, b, { ...a }], SITE)).toEqual([]);
  });
});
