/**
 * The stream's WebSocket API routes ($connect, $default, $disconnect) as
 * Lambda handlers: $connect runs the same opening checks as the local server
 * (stream/open.ts) and keeps the subscription; the outbox's AwsStreamPublisher
 * posts to it. A refusal answers the /v1 error body with its status, before
 * the upgrade. (Resuming with `after` needs a post after $connect: not here
 * yet — docs/deploy.md "The event stream on AWS".)
 */

import { accountStore, eventStore } from '../../compose.js';
import { ApiError, invalidField } from '../../api/errors.js';
import { openStream } from '../../stream/open.js';
import { DEFAULT_STREAM_LIMITS } from '../../stream/messages.js';
import { SubscriptionStore } from '../../stream/subscriptions.js';
import { TicketStore } from '../../stream/tickets.js';
import type { LambdaConfig } from '../config.js';
import { lambdaCloud, type LambdaCloudOptions } from './common.js';
import { header, type RelaySocketHandlers, type RelaySocketResult } from './relay-socket.js';

export function createStreamSocketHandlers(config: LambdaConfig, options: Pick<LambdaCloudOptions, 'clock' | 'logger'> = {}): RelaySocketHandlers {
  const cloud = lambdaCloud(config, 'stream-socket', { secrets: false }, options);
  const subscriptions = new SubscriptionStore(cloud.db, cloud.tables.main, cloud.clock);
  const deps = { accounts: accountStore(cloud), tickets: new TicketStore(cloud.db, cloud.tables.main, cloud.clock), events: eventStore(cloud), clock: cloud.clock, resumeWindowMs: DEFAULT_STREAM_LIMITS.resumeWindowMs };
  const ok: RelaySocketResult = { statusCode: 200 };

  return {
    async connect(event) {
      const params = new URLSearchParams(Object.entries(event.queryStringParameters ?? {}).map(([k, v]): [string, string] => [k, v ?? '']));
      try {
        const opened = await openStream(deps, params, header(event, 'authorization'));
        if (opened.after.size > 0) throw invalidField('after', 'resuming is not available on this deployment yet: connect without after');
        await subscriptions.add({ connectionId: event.requestContext.connectionId, tenantId: opened.tenantId, filter: opened.filter, state: opened.state });
        return ok;
      } catch (err) {
        if (err instanceof ApiError) return { statusCode: err.status, body: JSON.stringify(err.toBody()) };
        cloud.logger.error('stream connect failed', { error: err });
        return { statusCode: 500, body: 'internal error' };
      }
    },
    // Clients do not send anything the stream acts on.
    message: async () => ok,
    async disconnect(event) {
      await subscriptions.remove(event.requestContext.connectionId);
      return ok;
    },
  };
}
