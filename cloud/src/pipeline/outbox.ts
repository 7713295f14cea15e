/**
 * What happens to events once stored: hand them to the event stream's connections, project them (CDR search, rollups),
 * fan them out to webhooks, then clear their outbox entry. Every step is safe
 * to repeat, so an entry left behind by a failure (SQS down, a crash) is
 * simply processed again: by the sweeper here, or on AWS by the events
 * table's stream. An event acked to a relay is therefore always delivered.
 *
 * Entries go in site order on both runtimes (outbox-order.ts): after a
 * site's entry failed its later entries are held, and an entry whose site
 * still has older entries stored takes them first; the sweeper takes the
 * entries of sites nothing new arrives for.
 */

import type { Clock } from '../../../protocol/src/clock.js';
import type { Logger } from '../../../protocol/src/log.js';
import type { OperationalEventStore } from '../operational/store.js';
import type { EventStore, OutboxEntry, StoredEvent } from '../store/events.js';
import { isBoxEvent, type TenantEvent } from '../webhooks/envelope.js';
import { hopMarks } from '../../../protocol/src/hop-marks.js';
import { onStream } from '../stream/filter.js';
import { LogField } from '../../../protocol/src/log-fields.js';
import { inSiteOrder, outboxTurn, type EntryResult, type StepOutcome } from './outbox-order.js';

/** Turns stored events into derived data; must be idempotent. */
export interface Projection {
  apply(e: StoredEvent): Promise<void>;
}

/** Hands stored events to webhook delivery; repeats are allowed (at-least-once). */
export interface Fanout {
  /** `storedAt`: when their batch was stored, the same on every retry of its entry (it names the deliveries). */
  enqueue(events: TenantEvent[], storedAt: number): Promise<void>;
}

/** Hands stored events to live connections (the event stream); must not wait on any client. */
export interface StreamPublisher {
  publish(events: readonly TenantEvent[]): void | Promise<void>;
}

export interface OutboxDeps {
  events: EventStore;
  /** The event stream's connections, where the runtime feeds them from the outbox (the local server publishes right after storing instead). */
  stream?: StreamPublisher;
  /** Where an entry's operational events (`ops`) are read from. */
  operational: OperationalEventStore;
  /** Projections see box events only. */
  projections: Projection[];
  fanout: Fanout;
  logger: Logger;
}

/** An entry's events: its box events in seq order, then its operational ones. */
async function eventsOf(deps: OutboxDeps, entry: OutboxEntry): Promise<TenantEvent[]> {
  const [box, ops] = await Promise.all([
    entry.seqs.length > 0 ? deps.events.getMany(entry.siteId, entry.seqs) : [],
    entry.ops && entry.ops.length > 0 ? deps.operational.getMany(entry.tenantId, entry.ops) : [],
  ]);
  return [...box.sort((a, b) => a.seq - b.seq), ...ops];
}

/** Process one outbox entry; throws (leaving the entry) when a step fails. `known`: its events, when the caller has them. */
export async function processOutbox(deps: OutboxDeps, entry: OutboxEntry, known?: TenantEvent[]): Promise<void> {
  const events = known ?? (await eventsOf(deps, entry));
  // Webhooks first: they are what a CRM waits for; projections only feed
  // reports. Both must succeed before the entry goes, and both are idempotent.
  // The stream beside the webhooks' enqueue: neither waits for the other. It carries the box events and the operational events about a site.
  const streamed = deps.stream ? events.filter(onStream) : [];
  await Promise.all([streamed.length > 0 ? publishToStream(deps, streamed) : undefined, deps.fanout.enqueue(events, entry.createdAt)]);
  for (const e of events) if (isBoxEvent(e)) for (const p of deps.projections) await p.apply(e);
  await deps.events.deleteOutbox(entry);
  hopMarks?.mark('outbox.done', entry.seqs);
}

/** A failure to reach stream connections never holds up webhooks (a client resumes with `after`). */
async function publishToStream(deps: OutboxDeps, events: TenantEvent[]): Promise<void> {
  try {
    await deps.stream?.publish(events);
  } catch (err) {
    deps.logger.warn('stream publish failed', { [LogField.siteId]: events[0]?.siteId, [LogField.error]: err });
  }
}

/** Older entries of a site one entry takes before itself, at most (then it waits for the sweep). */
const OLDER_AT_ONCE = 500;

/**
 * Process an entry in its turn: unless it is already done, after the older
 * entries of its site that are still stored (left by a failure or a crash,
 * or stored a moment later by another process), which it takes first, in
 * stored order. One of them failing leaves the entry too (it is thrown).
 */
export async function processInTurn(deps: OutboxDeps, entry: OutboxEntry, known?: TenantEvent[]): Promise<StepOutcome> {
  const { first, readToTheEnd } = await deps.events.firstOutboxOfSite(entry);
  const turn = outboxTurn(entry.SK, first, readToTheEnd);
  if (turn === 'already-done' || turn === 'waiting') return turn;
  if (turn === 'after-older') {
    const older = await deps.events.olderOutbox(entry, OLDER_AT_ONCE);
    if (!older) return 'waiting';
    for (const e of older) await processOutbox(deps, e);
  }
  await processOutbox(deps, entry, known);
  return 'processed';
}

/** A batch of entries (a stream batch, a sweep), each in its turn, in site order. */
export function processBatch(deps: OutboxDeps, entries: readonly OutboxEntry[]): Promise<Array<EntryResult<OutboxEntry>>> {
  return inSiteOrder(entries, (e) => processInTurn(deps, e));
}

/** How many times one sweep lists a site's entries again while it keeps finding more. */
const DRAIN_ROUNDS = 20;

export interface OutboxRunnerOptions {
  /** Entries older than this are the sweeper's: their first attempt failed, or a crash left them. */
  staleAfterMs?: number;
  /**
   * This process is the only one processing entries (the local cloud): a
   * site whose entries have all gone through it since it last looked at the
   * outbox needs no look before its next one.
   */
  soleProcessor?: boolean;
}

/**
 * Runs entries in order per site: the local cloud submits each stored batch
 * here right after storing it; both runtimes sweep what is left.
 *
 * An entry is never processed again while it is in flight: everything done
 * for a site (each submit, the sweep's drain) waits its turn on the site's one
 * chain, and a step ends only once every request it made has (the queue's
 * and the delivery log's sends: protocol/src/settle.ts). A sweep that lists an
 * entry during its fan-out therefore looks again after it, finds it gone and
 * leaves it (test/webhooks/safety.test.ts).
 */
export class OutboxRunner {
  private readonly chains = new Map<string, Promise<unknown>>();
  /** Sites with nothing stored ahead of their next entry (soleProcessor only), and a count of the changes to that knowledge. */
  private readonly clear = new Set<string>();
  private readonly generation = new Map<string, number>();
  private readonly log: Logger;
  /** Entries whose processing failed so far (tests wait on it). */
  failures = 0;

  constructor(
    private readonly deps: OutboxDeps,
    private readonly clock: Clock,
    private readonly opts: OutboxRunnerOptions = {},
  ) {
    this.log = deps.logger.child({ [LogField.component]: 'outbox' });
  }

  /** Process a just-stored entry after the site's earlier ones. */
  submit(entry: OutboxEntry, known?: TenantEvent[]): Promise<void> {
    const site = entry.siteId;
    const generation = this.generation.get(site) ?? 0;
    const work = this.onSite(site, async () => {
      // Trusted only when nothing about the site changed since the entry was handed in.
      const trusted = this.clear.has(site) && (this.generation.get(site) ?? 0) === generation;
      const [result] = await inSiteOrder([entry], async (e) => {
        if (!trusted) return processInTurn(this.deps, e, known);
        await processOutbox(this.deps, e, known);
        return 'processed';
      });
      this.note(result);
      if (result.outcome === 'processed' && this.opts.soleProcessor) this.clear.add(site);
    });
    return work.catch((err) => this.log.error('outbox entry not handled', { [LogField.siteId]: site, [LogField.error]: err }));
  }

  /** Whether an entry is being processed now (a submit, a sweep). */
  get busy(): boolean {
    return this.chains.size > 0;
  }

  /** Everything submitted so far has been tried. */
  async idle(): Promise<void> {
    while (this.chains.size > 0) await Promise.all([...this.chains.values()]);
  }

  /**
   * Take every site with an entry older than the stale age (default: the
   * runner's) and work through its entries in stored order. Returns how many
   * stale entries were found (at most 100 a pass).
   */
  async sweep(olderThanMs = this.opts.staleAfterMs ?? 30_000): Promise<number> {
    const stale = await this.deps.events.staleOutbox(this.clock.now(), olderThanMs);
    const sites = [...new Set(stale.map((e) => e.siteId))];
    await Promise.all(sites.map((site) => this.onSite(site, () => this.drain(site))));
    if (stale.length > 0) this.log.info('outbox sweep', { entries: stale.length, sites: sites.length });
    return stale.length;
  }

  /** One site's stored entries, oldest first, until none is left or one fails or waits. */
  private async drain(site: string): Promise<void> {
    this.changed(site);
    try {
      for (let round = 0; round < DRAIN_ROUNDS; round++) {
        const entries = await this.deps.events.siteOutbox(site);
        if (entries.length === 0) {
          if (this.opts.soleProcessor) this.clear.add(site);
          return;
        }
        // The listing is in stored order; alone, this process needs no look per entry.
        const results = this.opts.soleProcessor
          ? await inSiteOrder(entries, async (e) => (await processOutbox(this.deps, e), 'processed' as const))
          : await processBatch(this.deps, entries);
        results.forEach((r) => this.note(r));
        if (results.some((r) => r.outcome !== 'processed' && r.outcome !== 'already-done')) return;
      }
    } catch (err) {
      this.log.warn('outbox sweep of a site failed', { [LogField.siteId]: site, [LogField.error]: err });
    } finally {
      // Entries handed in while the sweep ran may have been processed by it: they look first.
      this.changed(site);
    }
  }

  private note(r: EntryResult<OutboxEntry>): void {
    const fields = { [LogField.siteId]: r.entry.siteId, [LogField.seq]: r.entry.seqs[0], seqs: r.entry.seqs.length, ops: r.entry.ops };
    if (r.outcome === 'failed') {
      this.failures++;
      this.changed(r.entry.siteId);
      this.log.warn('outbox entry left for the sweeper', { ...fields, [LogField.error]: r.error });
    } else if (r.outcome === 'waiting') {
      this.changed(r.entry.siteId);
      this.log.info('outbox entry waits behind older ones of its site, for the sweeper', fields);
    }
  }

  private changed(site: string): void {
    this.clear.delete(site);
    this.generation.set(site, (this.generation.get(site) ?? 0) + 1);
  }

  /** Run `work` after everything already queued for the site. */
  private onSite<T>(site: string, work: () => Promise<T>): Promise<T> {
    const next = (this.chains.get(site) ?? Promise.resolve()).then(work, work);
    const settled = next.catch(() => undefined);
    this.chains.set(site, settled);
    void settled.then(() => {
      if (this.chains.get(site) === settled) this.chains.delete(site);
    });
    return next;
  }
}
