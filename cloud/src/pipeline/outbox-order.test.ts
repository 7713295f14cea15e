/**
 * The order outbox entries go in, the rule both runtimes share: a site's
 * entries one after the other in stored order, sites side by side; after a
 * site's entry fails its later entries are held (not tried) and go again
 * after it; an entry whose site still has an older entry stored waits.
 */
import { describe, expect, it } from 'vitest';
import { inSiteOrder, outboxTurn, restOfLane, siteLanes, type StepOutcome } from './outbox-order.js';

type E = { siteId: string; n: number };
const batch = (...ids: string[]): E[] => ids.map((id) => ({ siteId: id.slice(0, 1), n: Number(id.slice(1)) }));
const name = (e: E) => `${e.siteId}${e.n}`;

/** A step that records what it was given, in order, and fails or waits on the named entries. */
function step(fails: string[] = [], waits: string[] = []) {
  const tried: string[] = [];
  const run = async (e: E): Promise<StepOutcome> => {
    // Let the other lanes run in between, as I/O would.
    await new Promise((r) => setImmediate(r));
    tried.push(name(e));
    if (fails.includes(name(e))) throw new Error(`SQS refused ${name(e)}`);
    return waits.includes(name(e)) ? 'waiting' : 'processed';
  };
  return { tried, run };
}

describe('entries in site order', () => {
  it('puts each site in its own lane, in batch order', () => {
    expect(siteLanes(batch('a1', 'b1', 'a2', 'c1', 'b2', 'a3')).map((l) => l.map(name))).toEqual([['a1', 'a2', 'a3'], ['b1', 'b2'], ['c1']]);
  });

  it('processes everything, each site in order, when nothing fails', async () => {
    const s = step();
    const results = await inSiteOrder(batch('a1', 'b1', 'a2', 'b2', 'a3'), s.run);
    expect(results.map((r) => [name(r.entry), r.outcome])).toEqual([
      ['a1', 'processed'],
      ['b1', 'processed'],
      ['a2', 'processed'],
      ['b2', 'processed'],
      ['a3', 'processed'],
    ]);
    expect(s.tried.filter((t) => t.startsWith('a'))).toEqual(['a1', 'a2', 'a3']);
  });

  it('holds a site\'s later entries behind its failed one, untried, while other sites go on', async () => {
    const s = step(['a2']);
    const results = await inSiteOrder(batch('a1', 'b1', 'a2', 'b2', 'a3', 'b3', 'a4'), s.run);
    expect(results.map((r) => [name(r.entry), r.outcome])).toEqual([
      ['a1', 'processed'],
      ['b1', 'processed'],
      ['a2', 'failed'],
      ['b2', 'processed'],
      ['a3', 'held'],
      ['b3', 'processed'],
      ['a4', 'held'],
    ]);
    expect(s.tried).not.toContain('a3');
    expect(s.tried).not.toContain('a4');
    expect((results[2].error as Error).message).toBe('SQS refused a2');
  });

  it('leaves a site\'s later entries waiting behind one that must wait', async () => {
    const s = step([], ['b1']);
    const results = await inSiteOrder(batch('b1', 'a1', 'b2'), s.run);
    expect(results.map((r) => r.outcome)).toEqual(['waiting', 'processed', 'waiting']);
    expect(s.tried).toEqual(expect.not.arrayContaining(['b2']));
  });

  it('goes on past an entry that was already done', async () => {
    const results = await inSiteOrder(batch('a1', 'a2'), async (e) => (e.n === 1 ? 'already-done' : 'processed'));
    expect(results.map((r) => r.outcome)).toEqual(['already-done', 'processed']);
  });

  it('says what the rest of a lane becomes', () => {
    expect([restOfLane('failed'), restOfLane('waiting'), restOfLane('processed'), restOfLane('already-done')]).toEqual(['held', 'waiting', undefined, undefined]);
  });
});

describe("an entry's turn, from the outbox", () => {
  const sk = (ms: number, seq: number) => `${String(ms).padStart(15, '0')}#site#${String(seq).padStart(12, '0')}`;

  it('goes when the first stored entry of its site is itself', () => {
    expect(outboxTurn(sk(2000, 11), sk(2000, 11), true)).toBe('go');
  });

  it('goes after an older entry of its site that is still stored', () => {
    expect(outboxTurn(sk(2000, 11), sk(1000, 1), true)).toBe('after-older');
    // Stored in the same millisecond: the first seq decides.
    expect(outboxTurn(sk(2000, 11), sk(2000, 1), true)).toBe('after-older');
  });

  it('is already done when neither it nor an older one is stored', () => {
    expect(outboxTurn(sk(2000, 11), undefined, true)).toBe('already-done');
  });

  it('waits when the look stopped before finding anything of its site', () => {
    expect(outboxTurn(sk(2000, 11), undefined, false)).toBe('waiting');
  });
});
