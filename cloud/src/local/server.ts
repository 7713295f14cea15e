/**
 * The cloud on one machine: the same Hono app and tunnel logic as on AWS,
 * served by @hono/node-server, with relays connecting over `ws` at /relay, and
 * DynamoDB either embedded (DynamoDB Local on loopback, data in DATA_DIR) or
 * whatever endpoint the environment names.
 */

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../../../protocol/src/clock.js';
import { systemClock } from '../../../protocol/src/clock.js';
import { type HttpTimeouts } from '../../../protocol/src/http/timeouts.js';
import { listen } from '../../../protocol/src/listen.js';
import type { Logger } from '../../../protocol/src/log.js';
import type { CloudDeps } from '../api/context.js';
import { apiError } from '../api/errors.js';
import { createCloudApp } from '../app.js';
import { dynamoClient, sqsClient } from '../aws-clients.js';
import { LogField } from '../../../protocol/src/log-fields.js';
import { accountStore, appDeps, cloudOf, deliveryDeps, deliveryRecovery, eventStore, livePublisher, liveService, liveStore, outboxDeps, relayPresence, relayStore, ticketStore, webhookFanout, webhookNotices, webhookStore } from '../compose.js';
import type { OperationalEvent } from '../operational/store.js';
import type { OutageTiming } from '../outages/policy.js';
import type { RelayPresence } from '../outages/presence.js';
import { OutboxRunner } from '../pipeline/outbox.js';
import { Sweeper } from '../pipeline/sweeper.js';
import { DEFAULT_COMMAND_TIMEOUT_MS } from '../settings.js';
import { DEFAULT_TABLE_PREFIX, tableNames, type TableNames } from '../store/dynamo.js';
import type { EventStore, OutboxEntry } from '../store/events.js';
import { SecretBox } from '../store/secrets.js';
import { fullStateMessage } from '../live/publisher.js';
import { LocalStreamHub, STREAM_PATH } from '../stream/local-hub.js';
import { onStream } from '../stream/filter.js';
import type { StreamLimits } from '../stream/messages.js';
import { ensureTables } from '../store/tables.js';
import { LocalHub } from '../tunnel/local-hub.js';
import type { WebhookFanout } from '../webhooks/fanout.js';
import type { DeliveryRecovery } from '../webhooks/recovery.js';
import { DeliveryQueue, ensureQueues } from '../webhooks/queue.js';
import type { Resolver } from '../webhooks/ssrf.js';
import type { WebhookStore } from '../webhooks/subscriptions.js';
import { DeliveryWorker } from '../webhooks/worker.js';
import { startDynamoDbLocal, type LocalDynamo } from './dynamodb-local.js';
import { CloudMetrics } from './metrics.js';
import { startSqsLocal, type LocalSqs } from './sqs-local.js';

export interface LocalCloudOptions {
  port?: number;
  host?: string;
  dataDir: string;
  adminToken?: string;
  /** GET /metrics wants it as a bearer token; unset: /metrics is open. */
  metricsToken?: string;
  /** A DynamoDB endpoint to use instead of starting the embedded one. */
  dynamoEndpoint?: string;
  /** Use AWS's DynamoDB (credentials and region from the environment). */
  useAws?: boolean;
  tablePrefix?: string;
  /** base64 32-byte key sealing site WEBKEYs; generated into DATA_DIR when absent. */
  secretsKey?: string;
  commandTimeoutMs?: number;
  pingMs?: number;
  maxConnectionAgeMs?: number;
  /** An SQS-compatible endpoint to use instead of the embedded fauxqs. */
  sqsEndpoint?: string;
  /** Webhook URLs may point at private addresses (local and test deployments). */
  allowPrivateWebhooks?: boolean;
  /** Seconds between webhook attempts (default: Standard Webhooks' schedule). */
  webhookRetrySchedule?: readonly number[];
  /** DNS for webhook hosts (tests); the system resolver otherwise. */
  resolver?: Resolver;
  deliveryTimeoutMs?: number;
  /** Days raw call events are kept. */
  eventRetentionDays?: number;
  /** How often the sweeper runs (outbox entries left behind, webhook deliveries lost with the queue), and how old an outbox entry must be before it takes it. */
  outboxSweepMs?: number;
  outboxStaleMs?: number;
  /** A delivery overdue by this much is taken as lost from its queue. */
  overdueAfterMs?: number;
  /** The web console's built files (dist/console), served at /console; absent: no console. */
  consoleDir?: string;
  /** The HTTP server's time limits (default: protocol/src/http/timeouts.ts). */
  httpTimeouts?: Partial<HttpTimeouts>;
  /** The event stream's bounds (tests lower the buffer ones). */
  streamLimits?: Partial<StreamLimits>;
  /** relay.offline/ami.down after this grace (default 30 s; tests shorten it). */
  outageTiming?: Partial<OutageTiming>;
  logger: Logger;
  clock?: Clock;
  /** Told each slow step as it begins (`starting DynamoDB Local…`), for a person waiting at a terminal. */
  progress?: (step: string) => void;
}

export interface LocalCloud {
  url: string;
  port: number;
  hub: LocalHub;
  /** The event stream's connections (GET /v1/stream). */
  stream: LocalStreamHub;
  outbox: OutboxRunner;
  recovery: DeliveryRecovery;
  sweeper: Sweeper;
  presence: RelayPresence;
  worker: DeliveryWorker;
  queue: DeliveryQueue;
  sqsEndpoint?: string;
  deps: CloudDeps;
  /** The stores behind it (tests look inside). */
  events: EventStore;
  webhooks: WebhookStore;
  fanout: WebhookFanout;
  tables: TableNames;
  dynamoEndpoint?: string;
  stop(): Promise<void>;
}

function secretsKey(dataDir: string, given?: string): SecretBox {
  if (given) return SecretBox.fromBase64(given);
  const file = join(dataDir, 'secrets.key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
  return SecretBox.fromBase64(readFileSync(file, 'utf8').trim());
}

/** What the port answers while the rest of the cloud is still starting. */
function starting(): Response {
  const body = JSON.stringify(apiError('starting', 'the cloud is starting').toBody());
  return new Response(body, { status: 503, headers: { 'content-type': 'application/json', 'retry-after': '1' } });
}

export async function startLocalCloud(opts: LocalCloudOptions): Promise<LocalCloud> {
  const log = opts.logger;
  const clock = opts.clock ?? systemClock;
  const progress = opts.progress ?? (() => undefined);
  mkdirSync(opts.dataDir, { recursive: true });

  // The port first: a taken port is said at once, not after DynamoDB Local's
  // start; until the rest is up it answers 503.
  let app: { fetch(request: Request): Response | Promise<Response> } | undefined;
  let hub: LocalHub | undefined;
  let streams: LocalStreamHub | undefined;
  const http = await listen((request) => (app ? app.fetch(request) : starting()), opts.port ?? 8787, opts.host ?? '127.0.0.1', opts.httpTimeouts);
  http.server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== '/relay' && path !== STREAM_PATH) socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
    else if (!hub || !streams) socket.end('HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nConnection: close\r\n\r\n');
    else if (path === STREAM_PATH) void streams.handleUpgrade(req, socket, head);
    else void hub.handleUpgrade(req, socket, head);
  });
  // What is running, stopped in reverse order (also when a later step fails).
  const closeHttp = () => http.close();
  const running: Array<() => unknown> = [closeHttp];
  const stop = async () => {
    for (const step of running.splice(0).reverse()) await step();
  };

  try {
    let endpoint = opts.dynamoEndpoint;
    if (!endpoint && !opts.useAws) {
      progress('starting DynamoDB Local (Java; the first start takes a few seconds)…');
      const embedded: LocalDynamo = await startDynamoDbLocal({ dbPath: join(opts.dataDir, 'dynamodb'), logger: log });
      running.push(() => embedded.stop());
      endpoint = embedded.endpoint;
    }
    const db = dynamoClient({ endpoint });
    running.push(() => db.destroy());
    const prefix = opts.tablePrefix ?? DEFAULT_TABLE_PREFIX;
    const tables = tableNames(prefix);
    if (endpoint) {
      progress('creating the tables…');
      // No stream: this process runs the outbox itself (the stream is for the AWS outbox function).
      await ensureTables(db, tables, { stream: false });
    }

    let sqsEndpoint = opts.sqsEndpoint;
    let queueBornAt: number | undefined;
    if (!sqsEndpoint && !opts.useAws) {
      progress('starting the embedded SQS (fauxqs)…');
      // Its queues live in this process's memory: they hold nothing queued before now.
      queueBornAt = clock.now();
      const embeddedSqs: LocalSqs = await startSqsLocal();
      running.push(() => embeddedSqs.stop());
      sqsEndpoint = embeddedSqs.endpoint;
    }
    const sqs = sqsClient(sqsEndpoint);
    running.push(() => sqs.destroy());
    const queue = new DeliveryQueue(sqs, await ensureQueues(sqs, prefix));

    const cloud = cloudOf(
      { db, tables, box: secretsKey(opts.dataDir, opts.secretsKey), clock, logger: log, queue },
      {
        adminToken: opts.adminToken,
        commandTimeoutMs: opts.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
        eventRetentionDays: opts.eventRetentionDays,
        allowPrivateWebhooks: opts.allowPrivateWebhooks ?? false,
        resolver: opts.resolver,
        deliveryTimeoutMs: opts.deliveryTimeoutMs,
        retrySchedule: opts.webhookRetrySchedule,
        // Only AWS's own SQS is known to keep messages across our restarts.
        queueInMemory: !!sqsEndpoint,
        queueBornAt,
        overdueAfterMs: opts.overdueAfterMs,
        outageTiming: opts.outageTiming,
      },
    );
    const stream = new LocalStreamHub({
      accounts: accountStore(cloud),
      tickets: ticketStore(cloud),
      events: eventStore(cloud),
      clock,
      logger: log,
      limits: opts.streamLimits,
      liveState: async (siteId) => {
        const item = await liveStore(cloud).get(siteId);
        return item && fullStateMessage(siteId, item);
      },
    });
    // Applied live state goes to the stream (before the live service is first made, below).
    cloud.made.set(livePublisher, stream.statePublisher);
    // Deliveries the last run left in a queue that is gone go back first, before any new one (FIFO order).
    const recovery = deliveryRecovery(cloud);
    await recovery.run().catch((err) => log.warn('webhook delivery recovery failed at start; the sweeper retries it', { [LogField.error]: err }));
    const outbox = new OutboxRunner(outboxDeps(cloud), clock, { staleAfterMs: opts.outboxStaleMs, soleProcessor: true });
    const sweeper = new Sweeper(
      clock,
      opts.outboxSweepMs ?? 15_000,
      [
        { name: 'outbox', run: () => outbox.sweep() },
        { name: 'webhook delivery', run: () => recovery.run() },
      ],
      log,
    );
    const metrics = new CloudMetrics({ relays: () => ({ sites: relays.sites, connections: relays.connections }), outboxDepth: () => eventStore(cloud).outboxDepth() });
    // Operational events (outages, webhook notices) go out at once, like a relay's events.
    const announced = (entries: OutboxEntry[], events: OperationalEvent[]) => {
      metrics.announced(events.map((e) => e.type));
      // Stream connections straight from the store, as a relay's events (stream/filter.ts says which go).
      stream.publish(events.filter(onStream));
      for (const entry of entries) void outbox.submit(entry, events.filter((e) => entry.ops?.includes(e.id)));
    };
    webhookNotices(cloud, { afterStore: announced });
    // This process holds every relay connection: what the hub does not hold is gone. Outages are announced on timers.
    const presence = relayPresence(cloud, { liveness: (site, now) => relays.gone(site, now), timers: true, afterStore: announced });
    const relays: LocalHub = new LocalHub({
      accounts: accountStore(cloud),
      events: eventStore(cloud),
      presence,
      clock,
      logger: log,
      pingMs: opts.pingMs,
      maxConnectionAgeMs: opts.maxConnectionAgeMs,
      live: liveService(cloud),
      afterStore: (outboxes, fresh) => {
        // Stream connections first, straight from the store: a screen pop does not queue behind
        // earlier batches' webhook enqueues and projections (the outbox runs those per site in order).
        stream.publish(fresh);
        metrics.stored(fresh.length);
        for (const entry of outboxes) void outbox.submit(entry, fresh.filter((e) => entry.seqs.includes(e.seq)));
      },
    });
    const deps = appDeps(cloud, metrics.gateway(relays));
    const worker = new DeliveryWorker({ ...deliveryDeps(cloud), onOutcome: (outcome) => metrics.delivery(outcome) });
    worker.start();
    sweeper.start();
    // Whatever the last run left in the outbox is taken now, whatever its age.
    void outbox.sweep(0).catch((err) => log.warn('outbox sweep at start failed', { [LogField.error]: err }));
    // Sites a previous run left connected, or with an announcement due: once now, timers from then on.
    void presence.sweep().catch((err) => log.warn('outage sweep failed', { error: err }));
    // Stopped before the stores they use: the pipeline, the relays, then the port. The
    // connections close without announcements: the next run's sweep finds them gone.
    running.splice(running.indexOf(closeHttp), 1);
    running.push(
      closeHttp,
      () => relays.close(),
      () => stream.close(),
      () => worker.stop(),
      () => presence.stop(),
      () => sweeper.stop(),
    );
    app = metrics.routes(opts.metricsToken).route('/', createCloudApp(deps, { consoleDir: opts.consoleDir }));
    hub = relays;
    streams = stream;

    const url = `http://${opts.host && opts.host !== '0.0.0.0' ? opts.host : '127.0.0.1'}:${http.port}`;
    log.info('local cloud listening', { url, dynamodb: opts.dynamoEndpoint ? endpoint : endpoint ? 'embedded' : 'aws', dataDir: opts.dataDir });

    return {
      url,
      port: http.port,
      hub: relays,
      stream,
      outbox,
      recovery,
      sweeper,
      presence,
      worker,
      queue,
      sqsEndpoint,
      deps,
      events: eventStore(cloud),
      webhooks: webhookStore(cloud),
      fanout: webhookFanout(cloud),
      tables,
      dynamoEndpoint: endpoint,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
