/**
 * Talking to relays through API Gateway's management API: frames go down with
 * PostToConnection, connections are closed with DeleteConnection. A
 * connection API Gateway no longer knows answers 410 GoneException: callers
 * get `false` and decide (mark the relay offline, try the site's newer
 * connection).
 *
 * API Gateway cannot send close codes: a refusal or replacement is announced
 * with an `error` frame first, then the connection is deleted (the relay sees
 * close code 1000 and reconnects on its own schedule).
 */

import { DeleteConnectionCommand, PostToConnectionCommand, type ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { encodeFrame } from '../../../protocol/src/wire/codec.js';
import type { CloudFrame } from '../../../protocol/src/wire/frames.js';

export function isGone(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'GoneException' || e?.$metadata?.httpStatusCode === 410;
}

export class RelayConnections {
  constructor(private readonly client: ApiGatewayManagementApiClient) {}

  /** Send one frame (at most 32 KB, checked by the codec); false when the connection is gone. */
  async send(connectionId: string, frame: CloudFrame): Promise<boolean> {
    try {
      await this.client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: encodeFrame(frame) }));
      return true;
    } catch (err) {
      if (isGone(err)) return false;
      throw err;
    }
  }

  /** Close a connection; closing one that is already gone is not an error. */
  async close(connectionId: string): Promise<void> {
    try {
      await this.client.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
    } catch (err) {
      if (!isGone(err)) throw err;
    }
  }
}
