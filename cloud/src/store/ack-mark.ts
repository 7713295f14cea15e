/**
 * A site's ack mark (main table, S#<siteId>/SEQ): the highest seq stored
 * without gaps, which is what the relay is acked, and `ahead`, the runs of
 * seqs stored above a gap and not yet covered.
 *
 * Batches are not always stored in order: API Gateway runs one connection's
 * frames in parallel, in several processes, and a relay overlaps two
 * connections while it switches. A batch stored above a gap leaves its runs
 * of seqs in the item's `ahead` set; whichever writer closes the gap carries
 * the mark over them. Every step is one conditional write that returns the
 * item as it now is, so of two writers the later always sees what the
 * earlier left. A stale mark (another process moved it) fails the condition
 * and is read again.
 *
 * What to write next is decided by nextAckStep (pure); AckMarks does the I/O.
 */

import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Consecutive seqs, both ends included. */
export type Run = [lo: number, hi: number];

/** Seqs (in any order, repeats allowed) → runs of consecutive ones, ascending. */
export function runsOf(seqs: readonly number[]): Run[] {
  const sorted = [...new Set(seqs)].sort((a, b) => a - b);
  const runs: Run[] = [];
  for (const s of sorted) {
    const last = runs[runs.length - 1];
    if (last && s === last[1] + 1) last[1] = s;
    else runs.push([s, s]);
  }
  return runs;
}

/** How far the mark reaches over the runs that continue it (directly or through each other). */
export function chain(mark: number, runs: readonly Run[]): number {
  let m = mark;
  for (const [lo, hi] of [...runs].sort((a, b) => a[0] - b[0])) if (lo <= m + 1 && hi > m) m = hi;
  return m;
}

/** A run as the `ahead` set stores it: `lo-hi`. */
export const formatRun = ([lo, hi]: Run): string => `${lo}-${hi}`;
export const parseRun = (s: string): Run => {
  const [lo, hi] = s.split('-').map(Number);
  return [lo, hi];
};

/** The item as last seen. */
export interface AckItem {
  acked: number;
  ahead: readonly string[];
}

/** The next write of a writer that stored `mine`, given the item as last seen. */
export type AckStep =
  /** SET acked = top (if acked is still `mark`), and DELETE the `ahead` runs it now covers. */
  | { kind: 'advance'; top: number; used: string[] }
  /** A gap below: ADD our runs to `ahead`, for whoever closes it. */
  | { kind: 'park'; runs: string[] }
  /** Nothing left to write. */
  | { kind: 'done' };

export function nextAckStep(item: AckItem, mine: readonly Run[]): AckStep {
  const top = chain(item.acked, [...mine, ...item.ahead.map(parseRun)]);
  if (top > item.acked) return { kind: 'advance', top, used: item.ahead.filter((a) => parseRun(a)[1] <= top) };
  if (mine.length > 0) return { kind: 'park', runs: mine.map(formatRun) };
  return { kind: 'done' };
}

/** A writer's runs that the mark does not cover yet (the rest is done, by it or by another). */
export function stillMine(mine: readonly Run[], acked: number): Run[] {
  return mine.filter(([, hi]) => hi > acked);
}

function itemOf(raw: Record<string, unknown> | undefined): AckItem {
  return { acked: Number(raw?.acked ?? 0), ahead: [...((raw?.ahead as Set<string> | undefined) ?? [])] };
}

/** More steps than two writers racing can need; a bound, not a policy. */
const MAX_STEPS = 12;

export class AckMarks {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  private key(siteId: string) {
    return { PK: `S#${siteId}`, SK: 'SEQ' };
  }

  async read(siteId: string): Promise<number> {
    const item = (await this.db.send(new GetCommand({ TableName: this.table, Key: this.key(siteId), ConsistentRead: true }))).Item;
    return (item?.acked as number | undefined) ?? 0;
  }

  /** Move the site's mark over the seqs just stored (`known`: the mark as this process last saw it); returns the new mark. */
  async advance(siteId: string, known: number, seqs: readonly number[]): Promise<number> {
    return this.advanceOver(siteId, known, runsOf(seqs.filter((s) => s > known)));
  }

  /**
   * Move the mark to at least `to`, as if every seq up to it had been stored:
   * the relay said it will never send them (a cloud added to a relay that had
   * run without one). Returns the new mark.
   */
  async raise(siteId: string, to: number): Promise<number> {
    const known = await this.read(siteId);
    return to > known ? this.advanceOver(siteId, known, [[known + 1, to]]) : known;
  }

  private async advanceOver(siteId: string, known: number, runs: Run[]): Promise<number> {
    const Key = this.key(siteId);
    let item: AckItem = { acked: known, ahead: [] };
    let mine = runs;
    const seen = (raw: Record<string, unknown> | undefined) => {
      item = itemOf(raw);
      mine = stillMine(mine, item.acked);
    };
    for (let step = 0; step < MAX_STEPS; step++) {
      const next = nextAckStep(item, mine);
      if (next.kind === 'done') break;
      try {
        if (next.kind === 'advance') {
          const mark = item.acked;
          const used = next.used;
          const r = await this.db.send(
            new UpdateCommand({
              TableName: this.table,
              Key,
              UpdateExpression: used.length > 0 ? 'SET acked = :top DELETE ahead :used' : 'SET acked = :top',
              ConditionExpression: mark === 0 ? 'attribute_not_exists(acked) OR acked = :mark' : 'acked = :mark',
              ExpressionAttributeValues: { ':top': next.top, ':mark': mark, ...(used.length > 0 ? { ':used': new Set(used) } : {}) },
              ReturnValues: 'ALL_NEW',
            }),
          );
          seen(r.Attributes);
        } else {
          const r = await this.db.send(
            new UpdateCommand({ TableName: this.table, Key, UpdateExpression: 'ADD ahead :runs', ExpressionAttributeValues: { ':runs': new Set(next.runs) }, ReturnValues: 'ALL_NEW' }),
          );
          mine = [];
          seen(r.Attributes);
        }
      } catch (err) {
        if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
        seen((await this.db.send(new GetCommand({ TableName: this.table, Key, ConsistentRead: true }))).Item);
      }
    }
    return item.acked;
  }
}
