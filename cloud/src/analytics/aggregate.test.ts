import { describe, expect, it } from 'vitest';
import { groupItems, sumItems, type RollupRecord } from './aggregate.js';

const hour = (sk: string, c: Record<string, number>): RollupRecord => ({ PK: 'RU#s#H#2026-11', SK: sk, kind: 'rollup-hour', siteId: 's', hour: sk, ...c });
const queue = (sk: string, c: Record<string, number>): RollupRecord => ({ PK: 'RU#s#Q#2026-11', SK: sk, kind: 'rollup-queue', ...c });

describe('groupItems', () => {
  const items = [
    hour('2026-11-24T23', { offered: 2, answered: 1, ab_NO_ASSIGN: 1, waitSum: 10, talkSum: 100, sl_20: 1, maxWait: 40 }),
    hour('2026-11-24T09', { offered: 1, answered: 1, waitSum: 30, talkSum: 50, holdSum: 4, maxWait: 30 }),
    hour('2026-11-25T00', { offered: 1, ab_MEMBER_CANCEL: 1, maxWait: 5 }),
    hour('2026-11-25T01', {}),
  ];

  it('groups by UTC hour in time order, leaving out hours without calls', () => {
    const g = groupItems(items, 'hour', 20);
    expect(g.map((x) => x.key)).toEqual(['2026-11-24T09:00:00Z', '2026-11-24T23:00:00Z', '2026-11-25T00:00:00Z']);
    expect(g[1]).toMatchObject({ offered: 2, answered: 1, abandoned: 1, answerRate: 0.5, serviceLevel: 0.5, maxWait: 40, averageHold: 0 });
  });

  it('groups by day, in UTC or in a zone', () => {
    expect(groupItems(items, 'day', 20).map((x) => [x.key, x.offered, x.maxWait])).toEqual([
      ['2026-11-24', 3, 40],
      ['2026-11-25', 1, 5],
    ]);
    expect(groupItems(items, 'day', 20, 'Europe/Berlin').map((x) => [x.key, x.offered])).toEqual([
      ['2026-11-24', 1],
      ['2026-11-25', 3],
    ]);
  });

  it('groups daily queue items by code, summing days and sites, in natural order', () => {
    const g = groupItems(
      [queue('2026-11-24#10', { offered: 1 }), queue('2026-11-24#9', { offered: 2, answered: 2, maxWait: 3 }), queue('2026-11-25#9', { offered: 1, maxWait: 8 }), queue('2026-11-25#a#b', { offered: 1 })],
      'queue',
      20,
    );
    expect(g.map((x) => [x.key, x.offered, x.maxWait])).toEqual([
      ['9', 3, 8],
      ['10', 1, 0],
      ['a#b', 1, 0],
    ]);
  });

  it('sums items for the total', () => {
    expect(sumItems(items)).toEqual({ offered: 4, answered: 2, ab_NO_ASSIGN: 1, ab_MEMBER_CANCEL: 1, waitSum: 40, talkSum: 150, holdSum: 4, sl_20: 1, maxWait: 40 });
  });
});
