/**
 * Where the outage rules (policy.ts) meet the stored state (store/relays.ts)
 * and the operational events they announce (operational/store.ts). Both
 * runtimes feed it what they see: a relay's hello (connected), its status
 * frames (ami), a closed connection (disconnected); and a check runs when an
 * announcement may be due — on a timer in the local cloud, in the scheduled
 * sweep on AWS, which also finds connections that went silent without a
 * $disconnect.
 *
 * Each change reads the site's state, decides, and writes the new state
 * conditionally on what it read, in one transaction with the events it
 * announces: an event exists exactly when the state says it was announced,
 * and two processes deciding at once cannot both announce it (the loser reads
 * again, and finds it done). The outbox entries then go the way of every
 * stored event (the local runner now; the table's stream on AWS).
 */

import { NamedTimers, type Clock } from '../../../protocol/src/clock.js';
import { LogField } from '../../../protocol/src/log-fields.js';
import type { Logger } from '../../../protocol/src/log.js';
import { operationalEventId, type OperationalEvent, type OperationalEventStore } from '../operational/store.js';
import type { OutboxEntry } from '../store/events.js';
import { statusOf, type RelayStatus, type RelayStore } from '../store/relays.js';
import { decide, due, nextCheckAt, OUTAGE_TIMING, silence, type AmiStatement, type Announcement, type Decision, type Gone, type Observation, type OutageTiming, type RelaySiteSettings, type SiteRelayState } from './policy.js';

/** Whether a site's connection is still there; undefined: it is, as far as the runtime can tell. */
export type Liveness = (state: SiteRelayState, now: number) => Gone | undefined;

export interface RelayPresenceOptions {
  relays: RelayStore;
  operational: OperationalEventStore;
  clock: Clock;
  logger: Logger;
  timing?: Partial<OutageTiming>;
  /**
   * How a check tells a connection is gone. Default (AWS): nothing heard on it
   * for `silentMs`. The local cloud knows its sockets.
   */
  liveness?: Liveness;
  /** Check on timers when an announcement falls due (the local cloud); on AWS the scheduled sweep does. */
  timers?: boolean;
  /** Announcements were stored: their outbox entries, to process now (the local cloud). */
  afterStore?(entries: OutboxEntry[], events: OperationalEvent[]): void;
}

/** Conflicting writes retried at most this often (each loser reads the winner's state). */
const MAX_ATTEMPTS = 8;

export class RelayPresence {
  readonly timing: OutageTiming;
  private readonly log: Logger;
  private readonly timers: NamedTimers;
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly liveness: Liveness;
  private stopped = false;

  constructor(private readonly opts: RelayPresenceOptions) {
    this.timing = { ...OUTAGE_TIMING, ...opts.timing };
    this.log = opts.logger.child({ [LogField.component]: 'outages' });
    this.timers = new NamedTimers(opts.clock);
    this.liveness = opts.liveness ?? ((s, now) => silence(s, now, this.timing));
  }

  /** A relay's hello was accepted. Returns the connection it took over from. */
  async connected(site: { id: string; tenantId: string }, c: { connectionId: string; node: string; since: string; version: string; settings?: RelaySiteSettings; ami: AmiStatement }): Promise<{ replaced?: string }> {
    const at = this.opts.clock.now();
    const d = await this.apply(site.id, () => ({ kind: 'connected', siteId: site.id, tenantId: site.tenantId, ...c, at }));
    return { replaced: d.replaced };
  }

  /** A status frame on `connectionId`. */
  async ami(siteId: string, connectionId: string, ami: AmiStatement): Promise<void> {
    const at = this.opts.clock.now();
    await this.apply(siteId, () => ({ kind: 'ami', connectionId, ami, at }));
  }

  /** `connectionId` closed (`at`: when it was last alive, default now). Only the active connection's close counts. */
  async disconnected(siteId: string, connectionId: string, reason: string, at = this.opts.clock.now()): Promise<void> {
    await this.apply(siteId, () => ({ kind: 'disconnected', connectionId, reason, at }));
  }

  /** A relay's hello was refused for a reason the operator must see on the site (seq-regression). */
  async refused(siteId: string, reason: string): Promise<void> {
    await this.apply(siteId, () => ({ kind: 'refused', reason }));
  }

  /**
   * The relay spoke on `connectionId` (AWS: every ping). 'orphan': the site
   * has no active connection although this one is alive (a sweep took it for
   * gone): the caller should have the relay connect afresh.
   */
  async seen(siteId: string, connectionId: string): Promise<'active' | 'replaced' | 'orphan'> {
    if (await this.opts.relays.touch(siteId, connectionId, new Date(this.opts.clock.now()).toISOString())) return 'active';
    const { state } = await this.opts.relays.read(siteId);
    return state?.connectionId ? 'replaced' : 'orphan';
  }

  /** Announce what is due for one site (timers). */
  async check(siteId: string): Promise<void> {
    await this.apply(siteId, (s) => ({ kind: 'check', gone: s && this.liveness(s, this.opts.clock.now()) }));
  }

  /** Every site: connections gone silent, announcements due. Returns how many sites changed. */
  async sweep(): Promise<number> {
    let changed = 0;
    const now = this.opts.clock.now();
    for await (const { state } of this.opts.relays.all()) {
      if (!state) continue;
      if (!(due(state, now, this.timing) || (state.connectionId && this.liveness(state, now)))) {
        this.follow(state); // due later: a timer, where the runtime has them
        continue;
      }
      try {
        if ((await this.apply(state.siteId, (s) => ({ kind: 'check', gone: s && this.liveness(s, this.opts.clock.now()) }))).next) changed++;
      } catch (err) {
        this.log.warn('outage check failed; the next sweep tries again', { [LogField.siteId]: state.siteId, [LogField.error]: err });
      }
    }
    return changed;
  }

  /** The site resource's view; `lastSeen` when the runtime knows a fresher one. */
  async status(siteId: string, lastSeen?: string): Promise<RelayStatus> {
    return statusOf((await this.opts.relays.read(siteId)).state, lastSeen);
  }

  /** No more changes from this process (it is stopping; the next run's sweep picks up from the stored state). */
  stop(): void {
    this.stopped = true;
    this.timers.clearAll();
  }

  /** One site's changes one at a time in this process; against other processes, conditional writes. */
  private apply(siteId: string, observe: (s: SiteRelayState | undefined) => Observation): Promise<Decision> {
    if (this.stopped) return Promise.resolve({ announce: [] });
    const run = (this.chains.get(siteId) ?? Promise.resolve()).catch(() => undefined).then(() => this.decideAndWrite(siteId, observe));
    this.chains.set(siteId, run);
    void run.finally(() => {
      if (this.chains.get(siteId) === run) this.chains.delete(siteId);
    }).catch(() => undefined);
    return run;
  }

  private async decideAndWrite(siteId: string, observe: (s: SiteRelayState | undefined) => Observation): Promise<Decision> {
    const { relays, operational, clock } = this.opts;
    for (let attempt = 1; ; attempt++) {
      const { state, rev } = await relays.read(siteId);
      const now = clock.now();
      const d = decide(state, observe(state), now, this.timing);
      if (!d.next) return d;
      const events = d.announce.map((a) => this.event(d.next!, a, now));
      const writes = events.map((e) => operational.writes(e, now));
      if (await relays.write(d.next, rev, writes.flatMap((w) => w.items))) {
        for (const e of events) this.log.info(`${e.type} announced`, { [LogField.siteId]: siteId, [LogField.eventId]: e.id, since: e.data.since, reason: e.data.reason });
        if (events.length > 0) this.opts.afterStore?.(writes.map((w) => w.outbox), events);
        this.follow(d.next);
        return d;
      }
      if (attempt >= MAX_ATTEMPTS) throw new Error(`site ${siteId}: relay state kept changing under ${MAX_ATTEMPTS} attempts`);
    }
  }

  private event(s: SiteRelayState, a: Announcement, now: number): OperationalEvent {
    return {
      id: operationalEventId(a.type, s.siteId, a.key),
      type: a.type,
      tenantId: s.tenantId,
      siteId: s.siteId,
      occurredAt: new Date(now).toISOString(),
      data: { siteId: s.siteId, since: a.since, reason: a.reason },
    };
  }

  /** A timer for the next announcement that may fall due. */
  private follow(s: SiteRelayState): void {
    if (!this.opts.timers) return;
    const at = nextCheckAt(s, this.timing);
    if (at === undefined) return this.timers.clear(s.siteId);
    this.timers.set(s.siteId, Math.max(0, at - this.opts.clock.now()), () => {
      this.check(s.siteId).catch((err) => this.log.warn('outage check failed', { [LogField.siteId]: s.siteId, [LogField.error]: err }));
    });
  }
}
