/**
 * What every cloud route can use, and the per-request values set by
 * middleware (request id, logger, the authenticated tenant and key).
 */

import type { Context } from 'hono';
import type { Clock } from '../../../protocol/src/clock.js';
import type { Logger } from '../../../protocol/src/log.js';
import type { AnalyticsStore } from '../analytics/store.js';
import type { CallHistory } from '../store/call-events.js';
import type { LiveService } from '../live/service.js';
import type { OperationalEventStore } from '../operational/store.js';
import type { AccountStore } from '../store/accounts.js';
import type { Principal } from '../store/api-keys.js';
import type { RelayGateway } from '../tunnel/gateway.js';
import type { TicketStore } from '../stream/tickets.js';
import type { WebhookService } from '../webhooks/service.js';

export interface CloudDeps {
  accounts: AccountStore;
  gateway: RelayGateway;
  clock: Clock;
  logger: Logger;
  /** The operator's token for POST /v1/tenants; undefined disables it. */
  adminToken?: string;
  /** How long an HTTP caller waits for the relay. */
  commandTimeoutMs: number;
  /** The event stream's absolute URL when it is another API (AWS: STREAM_URL); absent: /v1/stream on this one. */
  streamUrl?: string;
  webhooks: WebhookService;
  analytics: AnalyticsStore;
  /** The events of one call. */
  calls: CallHistory;
  /** Tickets for the event stream's connections. */
  streamTickets: TicketStore;
  live: LiveService;
  /** The cloud's own events (a site's outage history). */
  operational: OperationalEventStore;
}

export type CloudEnv = {
  Variables: {
    requestId: string;
    log: Logger;
    /** The tenant of the path, once its key is checked (tenant routes). */
    tenant: { readonly id: string };
    /** The key the request came with: its id and scopes (tenant routes). */
    key: Principal;
  };
};

export type CloudContext = Context<CloudEnv>;
