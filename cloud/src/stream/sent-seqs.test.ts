import { describe, expect, it } from 'vitest';
import { SentSeqs } from './sent-seqs.js';

describe('SentSeqs as kept in a subscription (AWS)', () => {
  it('round-trips through JSON, and `has` answers what `mark` would refuse', () => {
    const s = new SentSeqs();
    s.start('a', 10);
    for (const seq of [11, 13, 14]) s.mark('a', seq);
    const json = JSON.parse(JSON.stringify(s.toJSON()));
    expect(json).toEqual({ a: { upTo: 11, above: [13, 14] } });
    const back = SentSeqs.fromJSON(json);
    // 12 was stored late (out of order): not had, so the outbox posts it; the others were.
    expect([9, 10, 11, 12, 13, 14, 15].map((seq) => back.has('a', seq))).toEqual([true, true, true, false, true, true, false]);
    expect(back.has('b', 1)).toBe(false);
    expect(back.upTo('a')).toBe(11);
    expect(back.mark('a', 12)).toBe(true);
    expect(back.upTo('a')).toBe(14);
  });

  it('gives up the oldest gap past its bound', () => {
    const s = new SentSeqs(2);
    s.start('a', 0);
    for (const seq of [2, 3, 4]) s.mark('a', seq);
    expect(s.toJSON()).toEqual({ a: { upTo: 4, above: [] } });
  });
});
