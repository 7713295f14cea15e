/**
 * The ack mark's policy, without DynamoDB: the mark only ever covers seqs
 * stored without a gap; runs stored above a gap wait in `ahead` and are
 * carried over by whichever writer closes the gap, whatever order writers
 * run in. The item is modelled with the same conditional semantics as the
 * UpdateItem calls in AckMarks (a stale mark fails and is read again).
 */
import { describe, expect, it } from 'vitest';
import { chain, nextAckStep, runsOf, stillMine, type AckItem, type Run } from './ack-mark.js';

describe('runs and chains', () => {
  it('groups seqs into runs of consecutive ones, whatever their order and repeats', () => {
    expect(runsOf([5, 3, 4, 9, 10, 4, 1])).toEqual([
      [1, 1],
      [3, 5],
      [9, 10],
    ]);
    expect(runsOf([])).toEqual([]);
  });

  it('reaches only over runs that continue the mark, directly or through each other', () => {
    expect(chain(0, [[1, 3]])).toBe(3);
    expect(chain(0, [[2, 3]])).toBe(0); // 1 is missing
    expect(
      chain(3, [
        [7, 9],
        [4, 6],
      ]),
    ).toBe(9); // 4-6 closes the gap before 7-9
    expect(chain(10, [[2, 12]])).toBe(12); // overlapping what is already covered
    expect(chain(10, [[3, 8]])).toBe(10); // entirely below: nothing to do
  });
});

describe('nextAckStep', () => {
  it('advances over what it stored when it continues the mark', () => {
    expect(nextAckStep({ acked: 0, ahead: [] }, runsOf([1, 2, 3]))).toEqual({ kind: 'advance', top: 3, used: [] });
  });

  it('parks its runs in ahead when a gap is below them', () => {
    expect(nextAckStep({ acked: 3, ahead: [] }, runsOf([6, 7, 9]))).toEqual({ kind: 'park', runs: ['6-7', '9-9'] });
  });

  it('closing the gap carries the mark over the runs parked above it, and removes exactly those', () => {
    expect(nextAckStep({ acked: 3, ahead: ['6-7', '9-9', '12-15'] }, runsOf([4, 5]))).toEqual({ kind: 'advance', top: 7, used: ['6-7'] });
    expect(nextAckStep({ acked: 3, ahead: ['6-7', '8-9'] }, runsOf([4, 5]))).toEqual({ kind: 'advance', top: 9, used: ['6-7', '8-9'] });
  });

  it('has nothing to do once the mark covers its runs (another writer carried them)', () => {
    const mine = stillMine(runsOf([4, 5]), 9);
    expect(mine).toEqual([]);
    expect(nextAckStep({ acked: 9, ahead: [] }, mine)).toEqual({ kind: 'done' });
  });
});

/** The SEQ item, with UpdateItem's semantics as AckMarks uses them. */
class Item {
  acked = 0;
  ahead = new Set<string>();
  view(): AckItem {
    return { acked: this.acked, ahead: [...this.ahead] };
  }
}

/** One writer's steps, one at a time, so tests can interleave writers. */
function* writer(item: Item, known: number, seqs: number[]): Generator<void, number> {
  let seen: AckItem = { acked: known, ahead: [] };
  let mine: Run[] = runsOf(seqs.filter((s) => s > known));
  for (let step = 0; step < 12; step++) {
    const next = nextAckStep(seen, mine);
    if (next.kind === 'done') break;
    yield;
    if (next.kind === 'advance') {
      if (item.acked !== seen.acked) {
        seen = item.view(); // ConditionalCheckFailed: read again
      } else {
        item.acked = next.top;
        for (const u of next.used) item.ahead.delete(u);
        seen = item.view();
      }
    } else {
      for (const r of next.runs) item.ahead.add(r);
      mine = [];
      seen = item.view();
    }
    mine = stillMine(mine, seen.acked);
  }
  return seen.acked;
}

/** Step the writers in turn, in `order` (each writer's index appears in it), until all are done. */
function runAll(writers: Array<Generator<void, number>>, order: number[]): void {
  const done = new Set<number>();
  for (let k = 0; done.size < writers.length; k++) {
    const i = order[k % order.length];
    if (!done.has(i) && writers[i].next().done) done.add(i);
  }
}

describe('writers storing one site\'s batches out of order', () => {
  it('a batch stored above a gap is acked only when the gap is closed, by the writer that closes it', () => {
    const item = new Item();
    const late = writer(item, 0, [4, 5, 6]);
    while (!late.next().done);
    expect(item.view()).toEqual({ acked: 0, ahead: ['4-6'] });
    const early = writer(item, 0, [1, 2, 3]);
    while (!early.next().done);
    expect(item.view()).toEqual({ acked: 6, ahead: [] });
  });

  it('ends gap-free and fully carried over for every interleaving of three writers', () => {
    const batches = [
      [1, 2, 3],
      [4, 5],
      [6, 7, 8, 9],
    ];
    const orders = [
      [0, 1, 2],
      [2, 1, 0],
      [1, 2, 0],
      [2, 0, 1],
      [1, 0, 2],
      [0, 2, 1],
      [2, 2, 1, 1, 0, 0],
      [1, 2, 1, 0, 2, 0],
    ];
    for (const order of orders) {
      const item = new Item();
      runAll(
        batches.map((b) => writer(item, 0, b)),
        order,
      );
      expect(item.view(), `order ${order.join(',')}`).toEqual({ acked: 9, ahead: [] });
    }
  });

  it('never acks past a seq that was not stored', () => {
    const item = new Item();
    runAll([writer(item, 0, [1, 2]), writer(item, 0, [4, 5]), writer(item, 0, [6])], [2, 1, 0]);
    expect(item.view()).toEqual({ acked: 2, ahead: expect.arrayContaining(['4-5', '6-6']) });
    // A resend of what is already covered changes nothing.
    const again = writer(item, 2, [1, 2]);
    while (!again.next().done);
    expect(item.acked).toBe(2);
  });
});
