/** The call search and the statistics choice: kept in the page's URL, turned into the API's queries. */
import { describe, expect, it } from 'vitest';
import { withQuery } from '../url.js';
import { cdrApiQuery, NEW_SEARCH, searchFromQuery, searchToQuery } from './cdr-search.js';
import { choiceFromQuery, choiceToQuery, NEW_CHOICE, statsApiQuery } from './stats-query.js';

describe('the call search', () => {
  it('goes into the URL and comes back the same', () => {
    const s = { ...NEW_SEARCH, siteId: 'site_1', type: 'cc_cdr' as const, from: '2026-11-24T08:00', caller: '0612*', queue: '630', missCause: 'NO_AGENT_ANSWER', limit: 100 };
    const url = withQuery('', searchToQuery(s));
    expect(searchFromQuery(new URLSearchParams(url.slice(1)))).toEqual(s);
    expect(withQuery('', searchToQuery(NEW_SEARCH))).toBe('');
  });

  it('leaves cc_cdr-only filters out of a cdr search', () => {
    const s = { ...NEW_SEARCH, type: 'cdr' as const, queue: '630', agent: '803', caller: '801' };
    const q = searchToQuery(s);
    expect(q.caller).toBe('801');
    expect(Object.keys(q)).not.toContain('queue');
    expect(Object.keys(q)).not.toContain('agent');
  });

  it('takes nothing it does not know from a URL', () => {
    expect(searchFromQuery(new URLSearchParams('type=bogus&limit=5000'))).toEqual(NEW_SEARCH);
  });

  it('asks /cdrs for the range in the site’s zone', () => {
    const q = cdrApiQuery({ ...NEW_SEARCH, from: '2026-11-24T08:00', to: '2026-11-24T09:30', caller: ' 801 ' }, 'Asia/Shanghai');
    expect(q).toEqual({ ok: true, query: expect.objectContaining({ from: '2026-11-24T00:00:00.000Z', to: '2026-11-24T01:30:00.000Z', caller: '801', type: 'cdr', limit: 50 }) });
    expect(cdrApiQuery(NEW_SEARCH, 'UTC')).toEqual({ ok: true, query: expect.objectContaining({ from: undefined, to: undefined }) });
    expect(cdrApiQuery({ ...NEW_SEARCH, to: '2026-02-30T00:00' }, 'UTC')).toEqual({ ok: false, field: 'to' });
  });
});

describe('the statistics choice', () => {
  const now = Date.parse('2026-11-24T10:00:00Z');

  it('goes into the URL and comes back the same', () => {
    const c = { ...NEW_CHOICE, siteId: 's1', period: 'custom' as const, from: '2026-11-01', to: '2026-11-07', groupBy: 'day' as const, slSeconds: 30 };
    expect(choiceFromQuery(new URLSearchParams(withQuery('', choiceToQuery(c)).slice(1)))).toEqual(c);
    expect(choiceFromQuery(new URLSearchParams('groupBy=minute&sl=7&period=forever'))).toEqual(NEW_CHOICE);
  });

  it('asks /stats for whole local days, grouped in the site’s zone', () => {
    const q = statsApiQuery({ ...NEW_CHOICE, siteId: 's1' }, now, 'Europe/Berlin');
    expect(q).toEqual({ ok: true, range: expect.anything(), query: { siteId: 's1', from: '2026-11-23T23:00:00.000Z', to: '2026-11-24T23:00:00.000Z', groupBy: 'hour', slSeconds: 20, timezone: 'Europe/Berlin' } });
  });

  it('names no zone for queues and agents (the cloud counts them per UTC day) nor for UTC', () => {
    const q = statsApiQuery({ ...NEW_CHOICE, groupBy: 'queue' }, now, 'Europe/Berlin');
    expect(q.ok && q.query.timezone).toBeUndefined();
    const utc = statsApiQuery(NEW_CHOICE, now, 'UTC');
    expect(utc.ok && utc.query.timezone).toBeUndefined();
  });

  it('refuses chosen days that are missing or backwards', () => {
    expect(statsApiQuery({ ...NEW_CHOICE, period: 'custom', from: '2026-11-07', to: '2026-11-01' }, now, 'UTC')).toEqual({ ok: false });
    expect(statsApiQuery({ ...NEW_CHOICE, period: 'custom' }, now, 'UTC')).toEqual({ ok: false });
  });
});
