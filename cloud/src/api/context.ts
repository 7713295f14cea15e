/**
 * What every cloud route can use, and the per-request values set by
 * middleware (request id, logger, the authenticated tenant).
 */

import type { Context } from 'hono';
import type { Clock } from '../../../protocol/src/clock.js';
import type { Logger } from '../../../protocol/src/log.js';
import type { AnalyticsStore } from '../analytics/store.js';
import type { AccountStore, Tenant } from '../store/accounts.js';
import type { EventStore } from '../store/events.js';
import type { RelayGateway } from '../tunnel/gateway.js';
import type { DeliveryLog } from '../webhooks/deliveries.js';
import type { WebhookFanout } from '../webhooks/fanout.js';
import type { Resolver } from '../webhooks/ssrf.js';
import type { WebhookStore } from '../webhooks/subscriptions.js';

export interface CloudDeps {
  accounts: AccountStore;
  events: EventStore;
  gateway: RelayGateway;
  clock: Clock;
  logger: Logger;
  /** The operator's token for POST /v1/tenants; undefined disables it. */
  adminToken?: string;
  /** How long an HTTP caller waits for the relay. */
  commandTimeoutMs: number;
  webhooks: WebhookStore;
  deliveries: DeliveryLog;
  fanout: WebhookFanout;
  analytics: AnalyticsStore;
  /** ALLOW_PRIVATE_WEBHOOKS=1: webhook URLs may point at private addresses (local and test use). */
  allowPrivateWebhooks: boolean;
  /** DNS for webhook hosts (injected by tests; the system resolver otherwise). */
  resolver?: Resolver;
  /** How long a webhook POST (a test send) may take. */
  deliveryTimeoutMs: number;
}

export type CloudEnv = {
  Variables: {
    requestId: string;
    log: Logger;
    tenant: Tenant;
  };
};

export type CloudContext = Context<CloudEnv>;

export function jsonError(c: Context, status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 500 | 503, message: string): Response {
  return c.json({ status: 'error', message }, status);
}
