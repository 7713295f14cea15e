/**
 * The composition root: how the cloud's parts are built and wired, once, for
 * both runtimes. The local server (local/server.ts) and the Lambda functions
 * (lambda/handlers) hand in what differs between them — the DynamoDB client
 * and table names, the delivery queues, the clock and the logger — with the
 * settings, and take the parts they run: the stores, the webhook fan-out,
 * the analytics, what the outbox, a delivery and the HTTP app need. The relay
 * gateway (the local hub, or API Gateway's management API) is theirs too and
 * comes in last, for the HTTP app.
 *
 * Each part is one function of the Cloud, made on first use and shared from
 * then on (the local server's routes, fan-out and worker see one
 * WebhookStore, and its cache). Functions rather than one object, so that a
 * Lambda bundle only carries the parts its entry uses: the relay socket's
 * has no webhooks, the deliveries' no analytics.
 */

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../protocol/src/clock.js';
import type { Logger } from '../../protocol/src/log.js';
import { AnalyticsStore } from './analytics/store.js';
import { CallHistory } from './store/call-events.js';
import { DEFAULT_RETENTION_DAYS } from './store/event-keys.js';
import type { CloudDeps } from './api/context.js';
import { OperationalEventStore, type OperationalEvent } from './operational/store.js';
import type { OutageTiming } from './outages/policy.js';
import { RelayPresence, type RelayPresenceOptions } from './outages/presence.js';
import type { OutboxDeps } from './pipeline/outbox.js';
import { LiveService } from './live/service.js';
import { noLivePublisher, type LivePublisher } from './live/publisher.js';
import { AccountStore } from './store/accounts.js';
import { ConnectionStore } from './store/connections.js';
import type { TableNames } from './store/dynamo.js';
import { EventStore, type OutboxEntry } from './store/events.js';
import { PendingCommandStore } from './store/pending-commands.js';
import { TicketStore } from './stream/tickets.js';
import { RelayStore } from './store/relays.js';
import type { SecretBox } from './store/secrets.js';
import type { RelayGateway } from './tunnel/gateway.js';
import type { DeliveryDeps } from './webhooks/deliver.js';
import { DeliveryLog } from './webhooks/deliveries.js';
import { DueDeliveries } from './webhooks/due-deliveries.js';
import { WebhookFanout } from './webhooks/fanout.js';
import { LiveStore } from './store/live.js';
import type { DeliveryQueue } from './webhooks/queue.js';
import { WebhookNotices } from './webhooks/notices.js';
import { ReplayJobs } from './webhooks/replays.js';
import { WebhookService } from './webhooks/service.js';
import { DeliveryRecovery } from './webhooks/recovery.js';
import { DEFAULT_OVERDUE_AFTER_MS } from './webhooks/requeue.js';
import type { Resolver } from './webhooks/ssrf.js';
import { WebhookStore } from './webhooks/subscriptions.js';

/** What the runtime hands in. */
export interface CloudBase {
  db: DynamoDBDocumentClient;
  tables: TableNames;
  /** Seals and opens site WEBKEYs and webhook secrets. */
  box: SecretBox;
  clock: Clock;
  logger: Logger;
  /** The delivery queues (SQS, or fauxqs locally), in the runtimes that enqueue or deliver webhooks. */
  queue?: DeliveryQueue;
}

/** How the parts behave (from the settings, and from tests). */
export interface CloudOptions {
  /** The operator's token for POST /v1/tenants; undefined disables it. */
  adminToken?: string;
  /** How long an HTTP caller waits for the relay. */
  commandTimeoutMs: number;
  /** Where clients open the event stream when it is another API (AWS); absent: this one's /v1/stream. */
  streamUrl?: string;
  /** Days raw call events are kept. */
  eventRetentionDays?: number;
  /** False where many processes store one site's batches (the relay socket functions): read the ack mark every time. */
  cacheAckMark?: boolean;
  /** Webhook URLs may point at private addresses (local and test deployments). */
  allowPrivateWebhooks: boolean;
  /** DNS for webhook hosts (tests); the system resolver otherwise. */
  resolver?: Resolver;
  /** How long a webhook POST may take. */
  deliveryTimeoutMs?: number;
  /** Seconds between webhook attempts (tests shorten them). */
  retrySchedule?: readonly number[];
  /**
   * Waits (ms) of a live-state delta that finds a gap, for the frame before it
   * to be stored, before asking for a snapshot: where frames of one site are
   * applied by concurrent processes (the relay socket functions).
   */
  liveGapWaitsMs?: readonly number[];
  /**
   * The delivery queues may lose what they hold (the local cloud's fauxqs
   * keeps them in memory; an SQS-compatible endpoint we know nothing of
   * counts too): every delivery is recorded before it is queued, so what a
   * restart lost is found and queued again.
   */
  queueInMemory?: boolean;
  /** When the queues were created empty (the embedded fauxqs of this process): nothing queued before is in them. */
  queueBornAt?: number;
  /** A delivery overdue by this much is taken as lost from its queue (webhooks/requeue.ts). */
  overdueAfterMs?: number;
  /** relay.offline/ami.down after this grace, a silent connection gone after this (tests shorten them). */
  outageTiming?: Partial<OutageTiming>;
}

/** A webhook POST gets this long to answer (README "Webhooks"). */
export const DELIVERY_TIMEOUT_MS = 15_000;

export interface Cloud extends CloudBase {
  readonly options: CloudOptions;
  /** The parts made so far, by the function that makes them. */
  readonly made: Map<(cloud: Cloud) => unknown, unknown>;
}

export function cloudOf(base: CloudBase, options: CloudOptions): Cloud {
  return { ...base, options, made: new Map() };
}

/** The part `of` makes, made on first use, then kept. */
function part<T>(cloud: Cloud, of: (cloud: Cloud) => T, make: () => T): T {
  if (!cloud.made.has(of)) cloud.made.set(of, make());
  return cloud.made.get(of) as T;
}

function queueOf(cloud: Cloud): DeliveryQueue {
  if (!cloud.queue) throw new Error('this runtime has no delivery queues');
  return cloud.queue;
}

// ── stores ─────────────────────────────────────────────────────────────

export function accountStore(c: Cloud): AccountStore {
  return part(c, accountStore, () => new AccountStore(c.db, c.tables.main, c.box, c.clock));
}

export function eventStore(c: Cloud): EventStore {
  return part(c, eventStore, () => new EventStore(c.db, c.tables.events, c.tables.main, { retentionDays: c.options.eventRetentionDays, cacheAckMark: c.options.cacheAckMark }));
}

/** The cloud's own events of a tenant (outages, …): operational/. */
export function operationalEventStore(c: Cloud): OperationalEventStore {
  return part(c, operationalEventStore, () => new OperationalEventStore(c.db, c.tables.events, { retentionDays: c.options.eventRetentionDays }));
}

export function relayStore(c: Cloud): RelayStore {
  return part(c, relayStore, () => new RelayStore(c.db, c.tables.main));
}

export function connectionStore(c: Cloud): ConnectionStore {
  return part(c, connectionStore, () => new ConnectionStore(c.db, c.tables.main, c.clock));
}

export function pendingCommandStore(c: Cloud): PendingCommandStore {
  return part(c, pendingCommandStore, () => new PendingCommandStore(c.db, c.tables.main));
}

export function webhookStore(c: Cloud): WebhookStore {
  return part(c, webhookStore, () => new WebhookStore(c.db, c.tables.main, c.box, c.clock));
}

export function ticketStore(c: Cloud): TicketStore {
  return part(c, ticketStore, () => new TicketStore(c.db, c.tables.main, c.clock));
}

export function deliveryLog(c: Cloud): DeliveryLog {
  return part(c, deliveryLog, () => new DeliveryLog(c.db, c.tables.events, c.clock));
}

export function replayJobs(c: Cloud): ReplayJobs {
  return part(c, replayJobs, () => new ReplayJobs(c.db, c.tables.main, c.clock));
}

export function dueDeliveries(c: Cloud): DueDeliveries {
  return part(c, dueDeliveries, () => new DueDeliveries(c.db, c.tables.events));
}

export function analyticsStore(c: Cloud): AnalyticsStore {
  // The events table's generated name does not end in -events on AWS: say where the main table is.
  return part(c, analyticsStore, () => new AnalyticsStore(c.db, c.tables.events, c.clock, { mainTable: c.tables.main, logger: c.logger }));
}

export function liveStore(c: Cloud): LiveStore {
  return part(c, liveStore, () => new LiveStore(c.db, c.tables.main));
}

// ── what the runtimes run ──────────────────────────────────────────────

/**
 * The sites' relay state and outages. `runtime`: how this runtime knows a
 * connection is gone, whether it checks on timers, what it does with the
 * events it stores (the local cloud); the first caller's stays.
 */
export function relayPresence(c: Cloud, runtime: Pick<RelayPresenceOptions, 'liveness' | 'timers' | 'afterStore'> = {}): RelayPresence {
  return part(
    c,
    relayPresence,
    () => new RelayPresence({ relays: relayStore(c), operational: operationalEventStore(c), clock: c.clock, logger: c.logger, timing: c.options.outageTiming, ...runtime }),
  );
}

export function webhookFanout(c: Cloud): WebhookFanout {
  return part(c, webhookFanout, () => new WebhookFanout(webhookStore(c), queueOf(c), () => c.clock.now(), c.options.queueInMemory ? deliveryLog(c) : undefined));
}

/** Finds webhook deliveries lost with their queue message and queues them again. */
export function deliveryRecovery(c: Cloud): DeliveryRecovery {
  return part(
    c,
    deliveryRecovery,
    () =>
      new DeliveryRecovery(
        { due: dueDeliveries(c), events: eventStore(c), operational: operationalEventStore(c), webhooks: webhookStore(c), queue: queueOf(c), clock: c.clock, logger: c.logger },
        { bornAt: c.options.queueBornAt, overdueAfterMs: c.options.overdueAfterMs ?? DEFAULT_OVERDUE_AFTER_MS },
      ),
  );
}

/**
 * webhook.disabled and webhook.exhausted (webhooks/notices.ts). `runtime`:
 * what it does with the events it records (the local cloud runs their
 * outbox entries at once); the first caller's stays.
 */
export function webhookNotices(c: Cloud, runtime: { afterStore?: (entries: OutboxEntry[], events: OperationalEvent[]) => void } = {}): WebhookNotices {
  return part(c, webhookNotices, () => new WebhookNotices({ operational: operationalEventStore(c), clock: c.clock, ...runtime }));
}

/** What a tenant can do with its webhook endpoints (/v1). */
export function webhookService(c: Cloud): WebhookService {
  return part(
    c,
    webhookService,
    () =>
      new WebhookService({
        webhooks: webhookStore(c),
        deliveries: deliveryLog(c),
        fanout: webhookFanout(c),
        accounts: accountStore(c),
        events: eventStore(c),
        replays: replayJobs(c),
        queue: queueOf(c),
        notices: webhookNotices(c),
        operational: operationalEventStore(c),
        clock: c.clock,
        delivery: { allowPrivate: c.options.allowPrivateWebhooks, resolver: c.options.resolver, timeoutMs: c.options.deliveryTimeoutMs ?? DELIVERY_TIMEOUT_MS },
      }),
  );
}

/** Where applied live state goes (the stream, issue 13): nobody by default; the stream sets its own with `made.set(livePublisher, …)`. */
export function livePublisher(c: Cloud): LivePublisher {
  return part(c, livePublisher, () => noLivePublisher);
}

/** Each site's live state: the relay socket applies frames, the HTTP app answers GET …/live. */
export function liveService(c: Cloud): LiveService {
  return part(
    c,
    liveService,
    () => new LiveService({ store: liveStore(c), relays: relayStore(c), publisher: livePublisher(c), clock: c.clock, gapWaitsMs: c.options.liveGapWaitsMs }),
  );
}

/** What the outbox needs (the local runner, the stream function). */
export function outboxDeps(c: Cloud): OutboxDeps {
  return part(c, outboxDeps, () => ({ events: eventStore(c), operational: operationalEventStore(c), projections: [analyticsStore(c)], fanout: webhookFanout(c), logger: c.logger }));
}

/** What a delivery needs, on these queues (the Lambda hands in one per invocation). */
export function deliveryDeps(c: Cloud, queue: DeliveryQueue = queueOf(c)): DeliveryDeps {
  return {
    webhooks: webhookStore(c),
    deliveries: deliveryLog(c),
    queue,
    notices: webhookNotices(c),
    replays: replayJobs(c),
    events: eventStore(c),
    operational: operationalEventStore(c),
    fanout: webhookFanout(c),
    clock: c.clock,
    logger: c.logger,
    allowPrivate: c.options.allowPrivateWebhooks,
    resolver: c.options.resolver,
    timeoutMs: c.options.deliveryTimeoutMs ?? DELIVERY_TIMEOUT_MS,
    schedule: c.options.retrySchedule,
  };
}

/** What the HTTP app needs, around the runtime's way to its relays. */
export function appDeps(c: Cloud, gateway: RelayGateway): CloudDeps {
  return {
    accounts: accountStore(c),
    gateway,
    clock: c.clock,
    logger: c.logger,
    adminToken: c.options.adminToken,
    commandTimeoutMs: c.options.commandTimeoutMs,
    streamUrl: c.options.streamUrl,
    webhooks: webhookService(c),
    analytics: analyticsStore(c),
    calls: new CallHistory(c.db, c.tables.events, c.options.eventRetentionDays ?? DEFAULT_RETENTION_DAYS),
    streamTickets: ticketStore(c),
    live: liveService(c),
    operational: operationalEventStore(c),
  };
}
