/**
 * The order outbox entries are processed in, decided here once for both
 * runtimes (the local runner, and on AWS the stream function and the sweep):
 * a site's entries go one after the other in the order they were stored,
 * sites side by side; once one of a site's entries fails, its later entries
 * do not go ahead of it, they are tried again after it, in order. That is
 * what lets an ordered webhook endpoint (a FIFO message group per site and
 * call) receive a site's events in seq order even when SQS refused one batch
 * for a while.
 *
 * An entry's turn is also read from the outbox itself, which outlives any
 * process: an entry whose site still has an older entry stored (one the
 * stream gave up on, one left by a crash or by a failure, one stored a moment
 * later by another process) goes after it: the older ones are taken first.
 * No I/O here: the steps and the store's answer are handed in.
 */

/** What became of one entry of a batch. */
export type EntryOutcome =
  /** Projected and fanned out, and its item deleted. */
  | 'processed'
  /** Its item was already gone: done by an earlier attempt or by the sweeper. */
  | 'already-done'
  /** Older entries of its site are still stored and were not all taken: left, in the table, for the sweeper to take in order. */
  | 'waiting'
  /** Its processing failed; it stays stored and is retried. */
  | 'failed'
  /** Not tried: an earlier entry of its site failed in this batch. */
  | 'held';

/** What a step says about an entry it was given (a failure is thrown). */
export type StepOutcome = Extract<EntryOutcome, 'processed' | 'already-done' | 'waiting'>;

export interface EntryResult<T> {
  entry: T;
  outcome: EntryOutcome;
  error?: unknown;
}

/** A batch's entries by site, each site's in batch order: the lanes that run side by side. */
export function siteLanes<T extends { siteId: string }>(entries: readonly T[]): T[][] {
  const lanes = new Map<string, T[]>();
  for (const e of entries) {
    const lane = lanes.get(e.siteId);
    if (lane) lane.push(e);
    else lanes.set(e.siteId, [e]);
  }
  return [...lanes.values()];
}

/**
 * What the rest of a site's lane becomes once one of its entries came out as
 * `outcome`: nothing (the lane goes on), or the outcome its later entries get
 * without being tried — held behind a failure, waiting behind a waiting one.
 */
export function restOfLane(outcome: EntryOutcome): EntryOutcome | undefined {
  if (outcome === 'failed') return 'held';
  if (outcome === 'waiting') return 'waiting';
  return undefined;
}

/**
 * Run `step` over a batch in site order: lanes side by side, each lane in
 * order, stopping at its first entry that fails or must wait. Results come
 * back in the batch's order.
 */
export async function inSiteOrder<T extends { siteId: string }>(entries: readonly T[], step: (entry: T) => Promise<StepOutcome>): Promise<Array<EntryResult<T>>> {
  const results = new Map<T, EntryResult<T>>();
  await Promise.all(
    siteLanes(entries).map(async (lane) => {
      for (let i = 0; i < lane.length; i++) {
        let result: EntryResult<T>;
        try {
          result = { entry: lane[i], outcome: await step(lane[i]) };
        } catch (error) {
          result = { entry: lane[i], outcome: 'failed', error };
        }
        results.set(lane[i], result);
        const rest = restOfLane(result.outcome);
        if (rest) {
          for (const later of lane.slice(i + 1)) results.set(later, { entry: later, outcome: rest });
          return;
        }
      }
    }),
  );
  return entries.map((e) => results.get(e)!);
}

/** Whether an entry goes now, after the older entries of its site, or not. */
export type Turn = 'go' | 'after-older' | Extract<EntryOutcome, 'already-done' | 'waiting'>;

/**
 * An entry's turn, from the first entry of its site found in the outbox in
 * stored order, up to and including the entry itself: itself, so it goes; an
 * older one, so it goes after the older ones; none, so it is already done.
 * When the read stopped early (its budget ran out before the site's first
 * entry was found) the entry waits: the sweeper takes the site in order later.
 */
export function outboxTurn(entrySk: string, firstOfSite: string | undefined, readToTheEnd: boolean): Turn {
  if (firstOfSite === undefined) return readToTheEnd ? 'already-done' : 'waiting';
  if (firstOfSite < entrySk) return 'after-older';
  return firstOfSite === entrySk ? 'go' : 'already-done';
}
