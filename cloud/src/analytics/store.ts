/**
 * CDR search and call-center rollups, in the events table (keys in keys.ts,
 * README "CDR search and call-center statistics").
 *
 * As a projection, `apply()` sees every stored event, possibly more than once:
 *  - cdr: one conditional Put of the CDR item (a repeat fails the condition);
 *  - cc_cdr with a queue: one TransactWriteItems of the CDR item's conditional
 *    Put and the `ADD`s to the site's hourly item, the queue's daily and
 *    monthly items and (answered) the agent's daily and monthly items — 4 or 6
 *    items, all or nothing, so a repeat fails the Put's condition and changes
 *    no counter; then one conditional `SET maxWait` per rollup item (3 or 5,
 *    only when the wait is > 0 and may exceed the item's maximum as last
 *    seen), idempotent by itself and so safe to repeat after a crash in
 *    between;
 *  - cc_cdr without a queue (IVR only): the CDR item alone;
 *  - anything else: nothing.
 * Statistics read the rollups only (keys.ts `rollupReads`: a Query per site
 * and month of hourly items, plus monthly/daily queue or agent items), never
 * CDRs; searches Query the CDR partitions of the range (or an index) and
 * merge sites by (time, site, seq).
 */

import { QueryCommand, TransactWriteCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../../protocol/src/clock.js';
import type { CcCdrEvent } from '../../../protocol/src/events/box-events.js';
import { silentLogger, type Logger } from '../../../protocol/src/log.js';
import type { Projection } from '../pipeline/outbox.js';
import type { StoredEvent } from '../store/events.js';
import { groupItems, sumItems, type Group, type RollupRecord } from './aggregate.js';
import { rollupReads } from './keys.js';
import type { StatsRequest } from './params.js';
import { comparePositions, filterSpec, partitionsFor, sortKeyRange, type CdrQuery, type FilterSpec, type Partition, type Position } from './plan.js';
import { counterUpdate, MAX_WAIT, metricsOf, rollupDelta, rollupTargets, type Metrics } from './rollup.js';
import { cdrItem, positionOf, rowOf, type CdrRow } from './rows.js';
import { LogField } from '../../../protocol/src/log-fields.js';

export interface AnalyticsOptions {
  /** The main table (the tenant's sites: PK T#<tenantId>, SK S#<siteId>). Default: the events table's name with `-events` → `-main`. */
  mainTable?: string;
  /** The site ids of a tenant; replaces the main-table look-up. */
  listSites?: (tenantId: string) => Promise<string[]>;
  logger?: Logger;
  /** Tries of a rollup transaction cancelled by a conflict or throttling (default 8). */
  transactionAttempts?: number;
}

export interface StatsResult {
  groups: Group[];
  total: Metrics;
  /** Rollup items read (for the benchmark and logs). */
  itemsRead: number;
}

type Item = Record<string, unknown>;

const QUERY_BATCH_MAX = 1000;
const MAX_WAIT_CACHE = 50_000;
/** Adjacent empty partitions are read ahead in parallel, up to this many at once. */
const MAX_READ_AHEAD = 16;

export class AnalyticsStore implements Projection {
  private readonly log: Logger;
  private readonly mainTable?: string;
  /** Rollup item → a lower bound of its stored maxWait (bounded; cleared when full). */
  private readonly knownMaxWait = new Map<string, number>();

  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly table: string,
    readonly clock: Clock,
    private readonly options: AnalyticsOptions = {},
  ) {
    this.log = (options.logger ?? silentLogger).child({ [LogField.component]: 'analytics' });
    this.mainTable = options.mainTable ?? (table.endsWith('-events') ? `${table.slice(0, -'-events'.length)}-main` : undefined);
  }

  // ── projection ──────────────────────────────────────────────────────────

  async apply(e: StoredEvent): Promise<void> {
    if (e.type !== 'cdr' && e.type !== 'cc_cdr') return;
    const item = cdrItem(e);
    if (!item) {
      this.log.warn('record with an unusable time not indexed', { [LogField.siteId]: e.siteId, [LogField.seq]: e.seq, occurredAt: e.occurredAt });
      return;
    }
    const put = { TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(PK)' };
    const delta = e.type === 'cc_cdr' ? rollupDelta(e.data as CcCdrEvent, e.occurredAt) : undefined;
    if (!delta) {
      try {
        await this.db.send(new PutCommand(put));
      } catch (err) {
        if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
      }
      return;
    }
    const targets = rollupTargets(e.siteId, delta);
    await this.transact(
      [{ Put: put }, ...targets.map((t) => ({ Update: { TableName: this.table, Key: t.key, ...counterUpdate(delta.add, t.describe) } }))],
      e,
    );
    // Whether the transaction was new or a repeat: a crash may have come between it and these.
    if (delta.wait > 0) await Promise.all(targets.map((t) => this.raiseMaxWait(t.key, delta.wait)));
  }

  private async transact(items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>, e: StoredEvent): Promise<void> {
    const attempts = this.options.transactionAttempts ?? 8;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.db.send(new TransactWriteCommand({ TransactItems: items }));
        return;
      } catch (err) {
        const reasons = (err as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
        if ((err as { name?: string }).name !== 'TransactionCanceledException') throw err;
        // The CDR item exists: this event was applied before, counters included.
        if (reasons[0]?.Code === 'ConditionalCheckFailed') return;
        const retriable = reasons.some((r) => r.Code === 'TransactionConflict' || r.Code === 'ThrottlingError' || r.Code === 'ProvisionedThroughputExceeded');
        if (!retriable || attempt >= attempts) throw err;
        this.log.debug('rollup transaction retried', { [LogField.siteId]: e.siteId, [LogField.seq]: e.seq, attempt, reasons: reasons.map((r) => r.Code) });
        await new Promise<void>((resolve) => this.clock.setTimeout(resolve, Math.min(1000, 10 * 2 ** attempt) * (0.5 + Math.random())));
      }
    }
  }

  /**
   * maxWait = max(maxWait, wait). The value only ever grows, so a maximum
   * this process has seen (set, or read back from a failed condition) lets it
   * skip later updates that could not raise it: most calls wait less than the
   * longest wait of their hour, day and month.
   */
  private async raiseMaxWait(key: { PK: string; SK: string }, wait: number): Promise<void> {
    const id = `${key.PK}|${key.SK}`;
    if ((this.knownMaxWait.get(id) ?? -1) >= wait) return;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression: 'SET #m = :w',
          ConditionExpression: 'attribute_not_exists(#m) OR #m < :w',
          ExpressionAttributeNames: { '#m': MAX_WAIT },
          ExpressionAttributeValues: { ':w': wait },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      this.rememberMaxWait(id, wait);
    } catch (err) {
      if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
      const old = (err as { Item?: Record<string, unknown> }).Item?.[MAX_WAIT];
      // The exception carries the item as raw attribute values ({ N: "42" }).
      const current = typeof old === 'number' ? old : Number((old as { N?: string } | undefined)?.N);
      this.rememberMaxWait(id, Number.isFinite(current) ? current : wait);
    }
  }

  private rememberMaxWait(id: string, value: number): void {
    if (this.knownMaxWait.size >= MAX_WAIT_CACHE) this.knownMaxWait.clear();
    this.knownMaxWait.set(id, Math.max(value, this.knownMaxWait.get(id) ?? 0));
  }

  // ── sites ───────────────────────────────────────────────────────────────

  /** The tenant's site ids, sorted. */
  async sitesOf(tenantId: string): Promise<string[]> {
    if (this.options.listSites) return [...(await this.options.listSites(tenantId))].sort();
    if (!this.mainTable) throw new Error('AnalyticsStore: give options.mainTable or options.listSites');
    const items = await this.queryAll({
      TableName: this.mainTable,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :s)',
      ExpressionAttributeValues: { ':pk': `T#${tenantId}`, ':s': 'S#' },
      ProjectionExpression: 'siteId',
      ConsistentRead: true,
    });
    return items.map((i) => i.siteId as string).sort();
  }

  // ── search ──────────────────────────────────────────────────────────────

  /**
   * One page of records of `siteIds` (all of the tenant's own), strictly after
   * `after`, in (time, site, seq) order; `next` when more rows follow.
   */
  async searchPage(tenantId: string, siteIds: string[], q: CdrQuery, limit: number, after?: Position, signal?: AbortSignal): Promise<{ rows: CdrRow[]; next?: Position }> {
    const rows: CdrRow[] = [];
    let last: Position | undefined;
    for await (const item of this.records(tenantId, siteIds, q, after, () => limit + 1 - rows.length, signal)) {
      // One row more than the page: there is a next page, starting after the last row.
      if (rows.length === limit) return { rows, next: last };
      rows.push(rowOf(item));
      last = positionOf(item);
    }
    return { rows };
  }

  /** Every matching record, in batches (for the CSV export): reads as the consumer pulls. */
  async *searchAll(tenantId: string, siteIds: string[], q: CdrQuery, batch = QUERY_BATCH_MAX, signal?: AbortSignal): AsyncGenerator<CdrRow[]> {
    let rows: CdrRow[] = [];
    for await (const item of this.records(tenantId, siteIds, q, undefined, () => batch, signal)) {
      rows.push(rowOf(item));
      if (rows.length >= batch) {
        yield rows;
        rows = [];
      }
    }
    if (rows.length) yield rows;
  }

  /**
   * k-way merge of the sites' streams by (time, site, seq). `signal`: the
   * client went away; no further partition is read (a range of quiet days
   * is hundreds of Queries) and the Queries in flight are cancelled.
   */
  private async *records(tenantId: string, siteIds: string[], q: CdrQuery, after: Position | undefined, want: () => number, signal?: AbortSignal): AsyncGenerator<Item> {
    const spec = filterSpec(q, tenantId);
    const streams = [...new Set(siteIds)].sort().map((s) => new SiteStream(this, s, q, spec, after, want, signal));
    for (;;) {
      const heads = await Promise.all(streams.map((s) => s.head()));
      let best = -1;
      let bestPos: Position | undefined;
      for (let i = 0; i < heads.length; i++) {
        const h = heads[i];
        if (!h) continue;
        const p = positionOf(h);
        if (!bestPos || comparePositions(p, bestPos) < 0) ((best = i), (bestPos = p));
      }
      if (best < 0) return;
      yield streams[best].take();
    }
  }

  /** @internal one Query page of a CDR partition. */
  async queryPartition(part: Partition, lo: string, hi: string, spec: FilterSpec, limit: number, start?: Item, signal?: AbortSignal): Promise<{ items: Item[]; last?: Item }> {
    signal?.throwIfAborted();
    const r = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: part.index,
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lo AND :hi',
        FilterExpression: spec.FilterExpression,
        ExpressionAttributeNames: { '#pk': part.pkAttr, '#sk': part.skAttr, ...spec.ExpressionAttributeNames },
        ExpressionAttributeValues: { ':pk': part.pk, ':lo': lo, ':hi': hi, ...spec.ExpressionAttributeValues },
        Limit: limit,
        ExclusiveStartKey: start,
      }),
      { abortSignal: signal },
    );
    return { items: r.Items ?? [], last: r.LastEvaluatedKey };
  }

  // ── statistics ──────────────────────────────────────────────────────────

  /**
   * Statistics of the sites over [fromMs, toMs) (already whole hours, or
   * whole UTC days for queue/agent): groups from the rollups of the grouping,
   * the total from the hourly rollups.
   */
  async stats(siteIds: string[], r: Omit<StatsRequest, 'siteId'>): Promise<StatsResult> {
    const byDay = r.groupBy === 'queue' || r.groupBy === 'agent';
    const [hourly, daily] = await Promise.all([
      this.rollups(siteIds, 'H', r.fromMs, r.toMs),
      byDay ? this.rollups(siteIds, r.groupBy === 'queue' ? 'Q' : 'A', r.fromMs, r.toMs) : Promise.resolve([]),
    ]);
    const groups = groupItems(byDay ? daily : hourly, r.groupBy, r.slSeconds, r.timeZone);
    return { groups, total: metricsOf(sumItems(hourly), r.slSeconds), itemsRead: hourly.length + daily.length };
  }

  /** Rollup items of a grouping over [fromMs, toMs), every Query in parallel. */
  private async rollups(siteIds: string[], kind: 'H' | 'Q' | 'A', fromMs: number, toMs: number): Promise<RollupRecord[]> {
    const reads = siteIds.flatMap((siteId) => rollupReads(siteId, kind, fromMs, toMs));
    return (await Promise.all(reads.map((r) => this.queryRange(r.PK, r.lo, r.hi)))).flat() as RollupRecord[];
  }

  private queryRange(pk: string, lo: string, hi: string): Promise<Item[]> {
    return this.queryAll({
      TableName: this.table,
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :lo AND :hi',
      ExpressionAttributeValues: { ':pk': pk, ':lo': lo, ':hi': hi },
      ConsistentRead: true,
    });
  }

  private async queryAll(input: QueryCommandInput): Promise<Item[]> {
    const out: Item[] = [];
    let start: Item | undefined;
    do {
      const r = await this.db.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
      out.push(...(r.Items ?? []));
      start = r.LastEvaluatedKey;
    } while (start);
    return out;
  }
}

/**
 * One site's records in order: its partitions one after another, each read
 * page by page as the merge consumes them. Runs of empty partitions (quiet
 * days) are read ahead in parallel, in a window that doubles while they stay
 * empty.
 */
class SiteStream {
  private buf: Item[] = [];
  private pos = 0;
  private readonly parts: Partition[];
  private part = 0;
  private last?: Item;
  private readonly lo: string;
  private readonly hi: string;
  private width = 1;
  private readonly ahead = new Map<number, Promise<{ items: Item[]; last?: Item }>>();

  constructor(
    private readonly store: AnalyticsStore,
    siteId: string,
    q: CdrQuery,
    private readonly spec: FilterSpec,
    after: Position | undefined,
    private readonly want: () => number,
    private readonly signal?: AbortSignal,
  ) {
    const range = sortKeyRange(siteId, q, after);
    this.lo = range.lo;
    this.hi = range.hi;
    this.parts = range.lo <= range.hi ? partitionsFor(siteId, q, range.startMs) : [];
  }

  private limit(): number {
    // Filters apply after Limit: read more per request when they may drop rows.
    const filtered = Object.keys(this.spec.ExpressionAttributeValues).length > 1;
    return filtered ? QUERY_BATCH_MAX : Math.max(1, Math.min(QUERY_BATCH_MAX, this.want()));
  }

  async head(): Promise<Item | undefined> {
    while (this.pos >= this.buf.length && this.part < this.parts.length) await this.fill();
    return this.pos < this.buf.length ? this.buf[this.pos] : undefined;
  }

  take(): Item {
    return this.buf[this.pos++];
  }

  private async fill(): Promise<void> {
    this.signal?.throwIfAborted();
    let page: { items: Item[]; last?: Item };
    if (this.last) {
      page = await this.store.queryPartition(this.parts[this.part], this.lo, this.hi, this.spec, this.limit(), this.last, this.signal);
    } else {
      const limit = this.limit();
      for (let i = this.part; i < Math.min(this.parts.length, this.part + this.width); i++) {
        if (this.ahead.has(i)) continue;
        const p = this.store.queryPartition(this.parts[i], this.lo, this.hi, this.spec, limit, undefined, this.signal);
        p.catch(() => undefined); // awaited below when its turn comes; never unhandled
        this.ahead.set(i, p);
      }
      const p = this.ahead.get(this.part)!;
      this.ahead.delete(this.part);
      page = await p;
    }
    this.buf = page.items;
    this.pos = 0;
    this.last = page.last;
    if (!this.last) this.part++;
    this.width = page.items.length === 0 && !page.last ? Math.min(this.width * 2, MAX_READ_AHEAD) : 1;
  }
}
