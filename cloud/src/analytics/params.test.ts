import { describe, expect, it } from 'vitest';
import { parseCdrParams, parseStatsParams } from '../../../test/helpers/query-params.js';
import { encodeCursor } from './cursor.js';

const now = Date.UTC(2026, 10, 24, 12, 30);
const cdr = (s: string) => parseCdrParams(s, now);
const stats = (s: string) => parseStatsParams(s, now);
const error = (r: { ok: boolean; message?: string }) => (r.ok ? 'OK' : r.message);
/** A site id of the shape the cloud mints (store/ids.ts). */
const S = 'site_ssssssssssssssss';

describe('CDR parameters', () => {
  it('defaults: type cdr, the last 24 hours, 100 rows, JSON', () => {
    expect(cdr('')).toEqual({ ok: true, value: { query: { type: 'cdr', fromMs: now - 86_400_000, toMs: now, filters: {} }, format: 'json', limit: 100 } });
    const r = cdr('siteId=site_aaaaaaaaaaaaaaaa&type=cc_cdr&from=2026-11-01&to=1795510800000&caller=06*&queue=630&agent=804&disposition=bridged&missCause=NO_ASSIGN&called=100&limit=1000');
    expect(r).toEqual({
      ok: true,
      value: {
        query: { siteId: 'site_aaaaaaaaaaaaaaaa', type: 'cc_cdr', fromMs: Date.UTC(2026, 10, 1), toMs: 1795510800000, filters: { caller: '06*', queue: '630', agent: '804', disposition: 'bridged', missCause: 'NO_ASSIGN', called: '100' } },
        format: 'json',
        limit: 1000,
      },
    });
    // from alone: up to now; to alone: the 24 hours before it.
    expect(cdr('from=2026-11-24T00:00:00Z').ok && (cdr('from=2026-11-24T00:00:00Z') as { value: { query: { toMs: number } } }).value.query.toMs).toBe(now);
  });

  it('refuses bad parameters with a message naming them', () => {
    expect(error(cdr('type=ivr'))).toMatch(/^type:/);
    expect(error(cdr('limit=0'))).toMatch(/^limit:/);
    expect(error(cdr('limit=1001'))).toMatch(/^limit:/);
    expect(error(cdr('limit=ten'))).toMatch(/^limit:/);
    expect(error(cdr('from=yesterday'))).toMatch(/^from:/);
    expect(error(cdr('to=2026-11-24T10:00:00'))).toMatch(/^to: a date-time needs its offset/);
    expect(error(cdr('from=2026-11-25&to=2026-11-24'))).toBe('from: must be before to');
    expect(error(cdr('from=2025-01-01&to=2026-11-24'))).toMatch(/at most 366 days/);
    expect(error(cdr('queue=630'))).toMatch(/^queue: filters cc_cdr records only/);
    expect(error(cdr('type=cdr&agent=804'))).toMatch(/^agent:/);
    expect(error(cdr('caller=*'))).toMatch(/^caller:/);
    expect(error(cdr(`caller=${'1'.repeat(257)}`))).toMatch(/^caller:/);
    expect(error(cdr('caller=%01'))).toMatch(/^caller:/);
    expect(error(cdr('siteId=a/b'))).toMatch(/^siteId:/);
    expect(error(cdr(`siteId=${'x'.repeat(3000)}`))).toMatch(/^siteId: a site id/);
    expect(error(stats('siteId=site_abc'))).toMatch(/^siteId: a site id/);
    expect(error(cdr('agnet=804'))).toMatch(/^unknown parameter: agnet/);
    expect(error(cdr('caller=1&caller=2'))).toBe('caller: given more than once');
    expect(error(cdr('format=xml'))).toMatch(/^format:/);
    expect(error(cdr('format=csv&limit=5'))).toMatch(/format=csv exports the whole range/);
    expect(error(cdr('cursor=abc'))).toMatch(/^cursor:/);
  });

  it('matches the box data\'s enumerations in any case, as the records spell them', () => {
    const filters = (q: string) => (cdr(q) as { value: { query: { filters: object } } }).value.query.filters;
    expect(filters('disposition=answered')).toEqual({ disposition: 'ANSWERED' });
    expect(filters('disposition=No%20Answer')).toEqual({ disposition: 'NO ANSWER' });
    expect(filters('disposition=no*')).toEqual({ disposition: 'NO*' });
    expect(filters('type=CC_CDR&disposition=BRIDGED&missCause=no_assign')).toEqual({ disposition: 'bridged', missCause: 'NO_ASSIGN' });
    expect(filters('type=cc_cdr&missCause=')).toEqual({ missCause: '' });
    expect(error(cdr('disposition=answerd'))).toMatch(/^disposition: one of ANSWERED, NO ANSWER, BUSY, FAILED, CONGESTION/);
    expect(error(cdr('type=cc_cdr&disposition=ANSWERED'))).toMatch(/^disposition: one of bridged, feedback, queue, ivr/);
  });

  it('takes the query from the cursor; parameters given with it must agree', () => {
    const query = { siteId: S, type: 'cc_cdr' as const, fromMs: 1000, toMs: 5000, filters: { queue: '630' } };
    const c = encodeCursor(query, { ms: 2000, siteId: S, seq: 3 });
    expect(cdr(`cursor=${c}&limit=5`)).toEqual({ ok: true, value: { query, format: 'json', limit: 5, after: { ms: 2000, siteId: S, seq: 3 } } });
    expect(cdr(`cursor=${c}&siteId=${S}&type=cc_cdr&from=1000&to=5000&queue=630`).ok).toBe(true);
    for (const other of ['siteId=site_tttttttttttttttt', 'type=cdr', 'from=999', 'to=6000', 'queue=631', 'agent=804']) {
      expect(error(cdr(`cursor=${c}&${other}`)), other).toMatch(/^cursor: belongs to a different query/);
    }
  });
});

describe('stats parameters', () => {
  it('defaults: by day, service level at 20 s, UTC, the last 24 hours widened to whole hours', () => {
    expect(stats(`siteId=${S}`)).toEqual({ ok: true, value: { siteId: S, groupBy: 'day', fromMs: Date.UTC(2026, 10, 23, 12), toMs: Date.UTC(2026, 10, 24, 13), slSeconds: 20, timeZone: 'UTC' } });
  });

  it('widens to whole UTC days for queue and agent', () => {
    const r = stats('groupBy=agent&from=2026-11-03T10:00:00Z&to=2026-11-05T00:00:00Z&slSeconds=45');
    expect(r).toEqual({ ok: true, value: { groupBy: 'agent', fromMs: Date.UTC(2026, 10, 3), toMs: Date.UTC(2026, 10, 5), slSeconds: 45, timeZone: 'UTC' } });
  });

  it('refuses bad parameters', () => {
    expect(error(stats('groupBy=week'))).toMatch(/^groupBy:/);
    expect(error(stats('slSeconds=21'))).toMatch(/^slSeconds: one of 5, 10, 15, 20/);
    expect(error(stats('timezone=Mars/Base'))).toMatch(/^timezone:/);
    expect(error(stats('timezone=Asia/Kolkata'))).toMatch(/not a whole number of hours/);
    expect(error(stats('timezone=Europe/Berlin&groupBy=queue'))).toMatch(/groupBy=hour and groupBy=day only/);
    expect(error(stats('cursor=x'))).toMatch(/^unknown parameter: cursor/);
    expect(stats('timezone=Europe/Berlin&groupBy=hour').ok).toBe(true);
  });
});
