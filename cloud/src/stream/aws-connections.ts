/**
 * Posting stream messages to API Gateway connections (the management API of
 * the stream's stage), for the three that post: the outbox's fan-out, the
 * resume and the live state's changes. A connection API Gateway no longer
 * knows (GoneException, also what a client that stopped reading ends as)
 * loses its subscription here, once, for all of them.
 */

import { DeleteConnectionCommand, PostToConnectionCommand, type ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import type { Clock } from '../../../protocol/src/clock.js';
import { isGone } from '../tunnel/apigw-connections.js';
import { closeMessage, type StreamCloseReason, type StreamMessage } from './messages.js';
import type { SubscriptionStore } from './subscriptions.js';

/**
 * A connection exists only once its $connect answered, and API Gateway
 * finishes the handshake a moment later: a post before that is 410. The first
 * post to a connection stored less than HANDSHAKE_GRACE_MS ago (the resume's,
 * the outbox's to a new subscription) tries again after these waits before
 * taking 410 as gone.
 */
export const HANDSHAKE_WAITS_MS = [50, 100, 200, 400, 800] as const;
export const HANDSHAKE_GRACE_MS = 5_000;

/** The waits of a first post to a subscription stored at `createdAt` (epoch ms). */
export function handshakeWaits(createdAt: number | undefined, now: number): readonly number[] {
  return createdAt !== undefined && now - createdAt < HANDSHAKE_GRACE_MS ? HANDSHAKE_WAITS_MS : [];
}

export class StreamConnections {
  constructor(
    private readonly api: ApiGatewayManagementApiClient,
    private readonly subscriptions: Pick<SubscriptionStore, 'remove'>,
    private readonly clock: Clock,
  ) {}

  /** Post one message; false when the connection is gone (its subscription is then removed). Other failures throw. */
  async post(connectionId: string, msg: StreamMessage, waitsMs: readonly number[] = []): Promise<boolean> {
    const data = Buffer.from(JSON.stringify(msg));
    for (let attempt = 0; ; attempt++) {
      try {
        await this.api.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: data }));
        return true;
      } catch (err) {
        if (!isGone(err)) throw err;
        if (attempt >= waitsMs.length) {
          await this.subscriptions.remove(connectionId);
          return false;
        }
        await new Promise<void>((r) => this.clock.setTimeout(r, waitsMs[attempt]));
      }
    }
  }

  /** Post messages in order; stops (false) at a gone connection. `waitsMs`: the first post's, as in post(). */
  async postAll(connectionId: string, msgs: Iterable<StreamMessage>, waitsMs: readonly number[] = []): Promise<boolean> {
    let waits = waitsMs;
    for (const m of msgs) {
      if (!(await this.post(connectionId, m, waits))) return false;
      waits = [];
    }
    return true;
  }

  /** Close with a reason of STREAM_CLOSE: the `close` message first (API Gateway cannot send close codes). */
  async end(connectionId: string, reason: StreamCloseReason, message: string, waitsMs: readonly number[] = []): Promise<void> {
    if (!(await this.post(connectionId, closeMessage(reason, message), waitsMs).catch(() => false))) return;
    try {
      await this.api.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
    } catch (err) {
      if (!isGone(err)) throw err;
    }
  }
}
