/**
 * The local cloud's Prometheus metrics (prom-client, a Registry of its own),
 * served at GET /metrics on the API's port. On AWS, CloudWatch has what these
 * say (Lambda, API Gateway, DynamoDB and SQS metrics, the stack's alarms), so
 * the functions serve none.
 *
 * Like the relay's, they observe the parts rather than live in them: the
 * relay gateway is wrapped (commands in flight, their latency), the hub and
 * the outbox are read when scraped, and the server's wiring reports what it
 * already sees (events stored, operational events announced, delivery
 * outcomes).
 *
 * The port also serves the public API: with METRICS_TOKEN set, /metrics wants
 * `Authorization: Bearer <METRICS_TOKEN>`; without, it is open (it holds
 * counts only, no tenant's data). README "Metrics of the local cloud".
 */

import { Hono } from 'hono';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { isBoxApiError } from '../../../protocol/src/box-api/errors.js';
import { bearer, secretEquals } from '../api/auth.js';
import type { CloudEnv } from '../api/context.js';
import { apiError, errorAnswer } from '../api/errors.js';
import { OPERATIONAL_EVENT_TYPES } from '../operational/types.js';
import type { RelayGateway } from '../tunnel/gateway.js';
import { DELIVERY_OUTCOMES, type DeliveryOutcome } from '../webhooks/deliver.js';

export interface ObservedCloud {
  /** Sites with an active relay connection, and sockets open (the hub). */
  relays(): { sites: number; connections: number };
  /** Outbox entries waiting (read from the table when scraped). */
  outboxDepth(): Promise<number>;
}

export class CloudMetrics {
  readonly registry = new Registry();
  private readonly inFlight: Gauge;
  private readonly commandDuration: Histogram<'command' | 'status'>;
  private readonly eventsStored: Counter;
  private readonly operational: Counter<'type'>;
  private readonly deliveries: Counter<'outcome'>;

  constructor(parts: ObservedCloud) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'coocenter_cloud_relays_connected',
      help: 'Sites whose relay is connected',
      registers,
      collect() {
        this.set(parts.relays().sites);
      },
    });
    new Gauge({
      name: 'coocenter_cloud_relay_connections',
      help: 'Relay WebSocket connections open (more than the sites while connections are switched)',
      registers,
      collect() {
        this.set(parts.relays().connections);
      },
    });
    new Gauge({
      name: 'coocenter_cloud_outbox_depth',
      help: 'Stored batches not yet fanned out and projected (outbox entries)',
      registers,
      async collect() {
        this.set(await parts.outboxDepth());
      },
    });
    this.inFlight = new Gauge({ name: 'coocenter_cloud_commands_in_flight', help: 'Box commands sent to relays and not yet answered', registers });
    this.commandDuration = new Histogram({
      name: 'coocenter_cloud_command_duration_seconds',
      help: 'Box commands through the tunnel, from sending to the answer, by command and HTTP status',
      labelNames: ['command', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.eventsStored = new Counter({ name: 'coocenter_cloud_events_stored_total', help: 'Box events stored (each once, repeats not counted)', registers });
    this.operational = new Counter({ name: 'coocenter_cloud_operational_events_total', help: 'Operational events announced (relay.offline, ami.down, …), by type', labelNames: ['type'], registers });
    for (const type of OPERATIONAL_EVENT_TYPES) this.operational.inc({ type }, 0);
    this.deliveries = new Counter({ name: 'coocenter_cloud_webhook_deliveries_total', help: 'Webhook delivery attempts by outcome (failed: dead-lettered after the last attempt)', labelNames: ['outcome'], registers });
    for (const outcome of DELIVERY_OUTCOMES) this.deliveries.inc({ outcome }, 0);
  }

  /** `gateway` with its commands counted and timed. */
  gateway(gateway: RelayGateway): RelayGateway {
    return {
      command: async (req) => {
        const end = this.commandDuration.startTimer({ command: req.command.name });
        this.inFlight.inc();
        try {
          const outcome = await gateway.command(req);
          end({ status: '200' });
          return outcome;
        } catch (err) {
          end({ status: isBoxApiError(err) ? String(err.status) : '500' });
          throw err;
        } finally {
          this.inFlight.dec();
        }
      },
      status: (siteId) => gateway.status(siteId),
      disconnect: (siteId, reason) => gateway.disconnect(siteId, reason),
    };
  }

  stored(events: number): void {
    this.eventsStored.inc(events);
  }

  announced(types: readonly string[]): void {
    for (const type of types) this.operational.inc({ type });
  }

  delivery(outcome: DeliveryOutcome): void {
    this.deliveries.inc({ outcome });
  }

  /** GET /metrics; with a token, only for its bearer. */
  routes(token?: string): Hono<CloudEnv> {
    const app = new Hono<CloudEnv>();
    app.onError(errorAnswer);
    app.get('/metrics', async (c) => {
      if (token) {
        const given = bearer(c.req.header('authorization'));
        if (!given || !secretEquals(given, token)) throw apiError('unauthorized', 'GET /metrics wants Authorization: Bearer <METRICS_TOKEN>');
      }
      return c.body(await this.registry.metrics(), 200, { 'content-type': this.registry.contentType });
    });
    return app;
  }
}
