/**
 * What happens to events once stored: project them (CDR search, rollups) and
 * fan them out to webhooks, then clear their outbox entry. Every step is safe
 * to repeat, so an entry left behind by a failure (SQS down, a crash) is
 * simply processed again: by the sweeper here, or on AWS by the events
 * table's stream. An event acked to a relay is therefore always delivered.
 */

import type { Clock, TimerHandle } from '../../../protocol/src/clock.js';
import type { Logger } from '../../../protocol/src/log.js';
import type { OperationalEventStore } from '../operational/store.js';
import type { EventStore, OutboxEntry, StoredEvent } from '../store/events.js';
import { isBoxEvent, type TenantEvent } from '../webhooks/envelope.js';
import { LogField } from '../../../protocol/src/log-fields.js';

/** Turns stored events into derived data; must be idempotent. */
export interface Projection {
  apply(e: StoredEvent): Promise<void>;
}

/** Hands stored events to webhook delivery; repeats are allowed (at-least-once). */
export interface Fanout {
  enqueue(events: TenantEvent[]): Promise<void>;
}

export interface OutboxDeps {
  events: EventStore;
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
  await deps.fanout.enqueue(events);
  for (const e of events) if (isBoxEvent(e)) for (const p of deps.projections) await p.apply(e);
  await deps.events.deleteOutbox(entry);
}

/**
 * The local cloud's driver: entries of one site are processed in order (so
 * ordered webhooks see a call's events in order), right after storage; a
 * sweeper picks up whatever failed.
 */
export class OutboxRunner {
  private readonly chains = new Map<string, Promise<void>>();
  private sweepTimer?: TimerHandle;
  private stopped = false;
  private readonly log: Logger;

  constructor(
    private readonly deps: OutboxDeps,
    private readonly clock: Clock,
    private readonly opts: { sweepEveryMs?: number; staleAfterMs?: number } = {},
  ) {
    this.log = deps.logger.child({ [LogField.component]: 'outbox' });
  }

  submit(entry: OutboxEntry, known?: TenantEvent[]): Promise<void> {
    const prev = this.chains.get(entry.siteId) ?? Promise.resolve();
    const next = prev
      .then(() => processOutbox(this.deps, entry, known))
      .catch((err) => this.log.warn('outbox entry left for the sweeper', { [LogField.siteId]: entry.siteId, [LogField.seq]: entry.seqs[0], seqs: entry.seqs.length, ops: entry.ops, [LogField.error]: err }));
    this.chains.set(entry.siteId, next);
    void next.finally(() => {
      if (this.chains.get(entry.siteId) === next) this.chains.delete(entry.siteId);
    });
    return next;
  }

  /** Everything submitted so far has been tried. */
  async idle(): Promise<void> {
    while (this.chains.size > 0) await Promise.all([...this.chains.values()]);
  }

  startSweeper(): void {
    const every = this.opts.sweepEveryMs ?? 15_000;
    const run = async () => {
      if (this.stopped) return;
      try {
        await this.sweep();
      } catch (err) {
        this.log.warn('outbox sweep failed', { [LogField.error]: err });
      }
      if (!this.stopped) this.sweepTimer = this.clock.setTimeout(() => void run(), every);
    };
    this.sweepTimer = this.clock.setTimeout(() => void run(), every);
  }

  /** Retry entries older than the stale age (their first attempt failed). */
  async sweep(): Promise<number> {
    const stale = await this.deps.events.staleOutbox(this.clock.now(), this.opts.staleAfterMs ?? 30_000);
    for (const entry of stale) await this.submit(entry);
    if (stale.length > 0) this.log.info('outbox sweep', { entries: stale.length });
    return stale.length;
  }

  stop(): void {
    this.stopped = true;
    this.clock.clearTimeout(this.sweepTimer);
  }
}
