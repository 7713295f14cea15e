import { describe, expect, it } from 'vitest';
import { accessPath, comparePositions, filterSpec, partitionsFor, sortKeyRange, type CdrQuery } from './plan.js';

const day = (s: string) => Date.parse(s);
const base: CdrQuery = { siteId: 's', type: 'cdr', fromMs: day('2026-11-30T22:00:00Z'), toMs: day('2026-12-02T01:00:00Z'), filters: {} };

describe('query plan', () => {
  it('reads one base-table partition per UTC day by default', () => {
    expect(accessPath(base)).toBe('day');
    expect(partitionsFor('s', base, base.fromMs).map((p) => p.pk)).toEqual(['CDR#s#cdr#2026-11-30', 'CDR#s#cdr#2026-12-01', 'CDR#s#cdr#2026-12-02']);
    expect(partitionsFor('s', base, day('2026-12-01T05:00:00Z')).map((p) => p.pk)).toEqual(['CDR#s#cdr#2026-12-01', 'CDR#s#cdr#2026-12-02']);
    expect(partitionsFor('s', base, base.toMs)).toEqual([]);
  });

  it('uses the agent index for an exact agent, then the caller index for an exact caller, per month', () => {
    const agent: CdrQuery = { ...base, type: 'cc_cdr', filters: { agent: '804', caller: '0612' } };
    expect(accessPath(agent)).toBe('agent');
    expect(partitionsFor('s', agent, agent.fromMs)).toEqual([
      { index: 'GSI2', pkAttr: 'GSI2PK', skAttr: 'GSI2SK', pk: 'CDRA#s#804#2026-11' },
      { index: 'GSI2', pkAttr: 'GSI2PK', skAttr: 'GSI2SK', pk: 'CDRA#s#804#2026-12' },
    ]);
    const caller: CdrQuery = { ...base, filters: { caller: '0612' } };
    expect(accessPath(caller)).toBe('caller');
    expect(partitionsFor('s', caller, caller.fromMs).map((p) => p.pk)).toEqual(['CDRC#s#cdr#0612#2026-11', 'CDRC#s#cdr#0612#2026-12']);
    // Prefixes, empty values and the agent of plain cdrs cannot use an index.
    expect(accessPath({ ...base, filters: { caller: '06*' } })).toBe('day');
    expect(accessPath({ ...base, filters: { caller: '' } })).toBe('day');
    expect(accessPath({ ...base, type: 'cc_cdr', filters: { agent: '80*', caller: '0612' } })).toBe('caller');
  });

  it('resumes strictly after a position of any site', () => {
    const q = { ...base, fromMs: 1000, toMs: 9000 };
    expect(sortKeyRange('m', q)).toEqual({ lo: '000000000001000#', hi: '000000000009000#', startMs: 1000 });
    const after = { ms: 5000, siteId: 'm', seq: 7 };
    expect(sortKeyRange('m', q, after).lo).toBe('000000000005000#000000000008');
    expect(sortKeyRange('a', q, after).lo).toBe('000000000005001#');
    expect(sortKeyRange('z', q, after).lo).toBe('000000000005000#');
    // The upper bound excludes `to` itself: `<to>#` sorts between <to − 1>#… and <to>#….
    expect('000000000008999#999999999999' < sortKeyRange('m', q).hi).toBe(true);
    expect('000000000009000#000000000000' > sortKeyRange('m', q).hi).toBe(true);
  });

  it('orders positions by time, site, seq', () => {
    const list = [
      { ms: 2, siteId: 'a', seq: 1 },
      { ms: 1, siteId: 'b', seq: 1 },
      { ms: 1, siteId: 'a', seq: 9 },
      { ms: 1, siteId: 'a', seq: 3 },
    ].sort(comparePositions);
    expect(list.map((p) => `${p.ms}${p.siteId}${p.seq}`)).toEqual(['1a3', '1a9', '1b1', '2a1']);
  });

  it('filters on the box field of the type, exactly or by prefix, always by tenant', () => {
    const f = filterSpec({ ...base, type: 'cc_cdr', filters: { caller: '06*', queue: '630', disposition: 'bridged' } }, 'ten_1');
    expect(f.FilterExpression).toBe('#tenant = :tenant AND begins_with(#data.#f0, :f0) AND #data.#f2 = :f2 AND #data.#f4 = :f4');
    expect(f.ExpressionAttributeNames).toMatchObject({ '#f0': 'caller', '#f2': 'queueCode', '#f4': 'cdrState' });
    expect(f.ExpressionAttributeValues).toEqual({ ':tenant': 'ten_1', ':f0': '06', ':f2': '630', ':f4': 'bridged' });
    expect(filterSpec({ ...base, filters: { caller: '808', called: '809', disposition: 'ANSWERED' } }, 't').ExpressionAttributeNames).toMatchObject({
      '#f0': 'source',
      '#f1': 'destination',
      '#f4': 'disposition',
    });
    expect(() => filterSpec({ ...base, filters: { queue: '630' } }, 't')).toThrow();
  });
});
