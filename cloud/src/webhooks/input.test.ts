/** What a tenant may send about its webhook endpoints, refused before any work with a message naming the field. */
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/errors.js';
import { booleanField, deliveriesPage, eventTypes, instant, pageCursor, replayRange, siteIdList } from './input.js';

const refusal = (f: () => unknown): { status: number; message: string } => {
  try {
    f();
  } catch (err) {
    if (err instanceof ApiError) return { status: err.status, message: err.message };
    throw err;
  }
  throw new Error('accepted');
};

describe('webhook input', () => {
  it('events: every type by default, the box\'s misspelling accepted, unknown types named', () => {
    expect(eventTypes(undefined)).toBeNull();
    expect(eventTypes(['dialbegein', 'hangup', 'hangup'])).toEqual(['dialbegin', 'hangup']);
    expect(refusal(() => eventTypes([]))).toMatchObject({ status: 400, message: expect.stringMatching(/^events: a non-empty array of dialbegin, /) });
    expect(refusal(() => eventTypes(['ringing'])).message).toMatch(/^events: unknown event type "ringing" \(known: /);
    // The cloud's own events are named like any other, and only then delivered.
    expect(eventTypes(['relay.offline', ' AMI.Down', 'cdr'])).toEqual(['relay.offline', 'ami.down', 'cdr']);
    expect(refusal(() => eventTypes(['relay.gone'])).message).toBe(
      'events: unknown event type "relay.gone" (known: dialbegin, dialend, hangup, extensionstatus, ivr, cdr, cc_cdr, relay.offline, relay.online, ami.down, ami.up)',
    );
  });

  it('siteIds: every site by default, a list without repeats, never something else', () => {
    expect(siteIdList(null)).toBeNull();
    expect(siteIdList(['s1', 's2', 's1'])).toEqual(['s1', 's2']);
    for (const bad of [[], 's1', [1]]) expect(refusal(() => siteIdList(bad)).message).toBe('siteIds: a non-empty array of site ids');
    expect(booleanField(undefined, 'ordered')).toBeUndefined();
    expect(refusal(() => booleanField('yes', 'ordered')).message).toBe('ordered: a boolean');
  });

  it('replay ranges: ISO or epoch ms, in order, at most 31 days, `to` defaulting to now', () => {
    const now = Date.parse('2026-03-01T12:00:00Z');
    expect(instant('1772366400000', 'from')).toBe(Date.parse('2026-03-01T12:00:00Z'));
    expect(replayRange({ from: '2026-03-01T11:00:00Z' }, now)).toEqual({ from: now - 3_600_000, to: now });
    expect(refusal(() => replayRange({ from: 'yesterday' }, now)).message).toBe('from: an ISO 8601 time or epoch milliseconds');
    expect(refusal(() => replayRange({ from: now, to: now - 1 }, now)).message).toBe('to: must not be before from');
    expect(refusal(() => replayRange({ from: now - 32 * 86_400_000 }, now)).message).toBe('replay at most 31 days at a time');
    expect(replayRange({ from: now - 31 * 86_400_000 }, now).from).toBe(now - 31 * 86_400_000);
  });

  it('delivery log pages: 1 to 500 (default 50), the cursor opaque both ways', () => {
    expect(deliveriesPage(undefined, undefined)).toEqual({ limit: 50 });
    for (const bad of ['0', '501', '2.5', 'ten']) expect(refusal(() => deliveriesPage(bad, undefined)).message).toBe('limit: 1 to 500');
    const sk = '000001772366400000#evt_s_1';
    expect(deliveriesPage('10', pageCursor(sk)!)).toEqual({ limit: 10, after: sk });
    expect(pageCursor(null)).toBeNull();
  });
});
