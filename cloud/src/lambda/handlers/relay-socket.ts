/**
 * The relay socket's three routes ($connect, $default, $disconnect) as Lambda
 * handlers over one RelaySocket. They only translate API Gateway's events;
 * what happens is in tunnel/aws-socket.ts.
 */

import type { APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { systemClock, type Clock } from '../../../../protocol/src/clock.js';
import type { Logger } from '../../../../protocol/src/log.js';
import { AccountStore } from '../../store/accounts.js';
import { ConnectionStore } from '../../store/connections.js';
import { dynamoClient } from '../../store/dynamo.js';
import { EventStore } from '../../store/events.js';
import { PendingCommandStore } from '../../store/pending-commands.js';
import { RelayStore } from '../../store/relays.js';
import { managementClient, RelayConnections } from '../../tunnel/apigw-connections.js';
import { RelaySocket } from '../../tunnel/aws-socket.js';
import { must, type LambdaConfig } from '../config.js';
import { lambdaLogger, secretBox, type InvocationContext } from './common.js';

/** $connect events also carry the upgrade request's headers (and $disconnect some). */
export type RelaySocketEvent = APIGatewayProxyWebsocketEventV2 & {
  headers?: Record<string, string | undefined>;
  requestContext: APIGatewayProxyWebsocketEventV2['requestContext'] & { disconnectStatusCode?: number; disconnectReason?: string };
};

export interface RelaySocketResult {
  statusCode: number;
  body?: string;
}

export interface RelaySocketOptions {
  clock?: Clock;
  logger?: Logger;
  pingMs?: number;
}

export interface RelaySocketHandlers {
  connect(event: RelaySocketEvent, context?: InvocationContext): Promise<RelaySocketResult>;
  message(event: RelaySocketEvent, context?: InvocationContext): Promise<RelaySocketResult>;
  disconnect(event: RelaySocketEvent, context?: InvocationContext): Promise<RelaySocketResult>;
}

/** Header names arrive in the client's casing. */
function header(event: RelaySocketEvent, name: string): string | undefined {
  for (const [k, v] of Object.entries(event.headers ?? {})) if (k.toLowerCase() === name) return v;
  return undefined;
}

export function createRelaySocketHandlers(config: LambdaConfig, options: RelaySocketOptions = {}): RelaySocketHandlers {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? lambdaLogger(config, 'relay-socket');
  const db = dynamoClient({ endpoint: config.dynamoEndpoint });
  const main = config.mainTable;
  const socket = new RelaySocket({
    // Relay tokens are checked against their hash: no secret is ever opened here.
    accounts: new AccountStore(db, main, secretBox(config), clock),
    // Frames of one site are stored by many instances: read the ack mark for each batch.
    events: new EventStore(db, config.eventsTable, main, { retentionDays: config.eventRetentionDays, cacheAckMark: false }),
    relays: new RelayStore(db, main),
    connections: new ConnectionStore(db, main, clock),
    pending: new PendingCommandStore(db, main),
    api: new RelayConnections(managementClient(must(config.relayManagementEndpoint, 'RELAY_MANAGEMENT_ENDPOINT'))),
    clock,
    logger,
    pingMs: options.pingMs,
  });

  return {
    async connect(event) {
      const status = await socket.connect({
        connectionId: event.requestContext.connectionId,
        authorization: header(event, 'authorization'),
        token: event.queryStringParameters?.token,
      });
      return status === 200 ? { statusCode: 200 } : { statusCode: status, body: status === 401 ? 'invalid relay token' : 'internal error' };
    },

    async message(event, context) {
      const body = event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64').toString('utf8') : (event.body ?? '');
      await socket.message({
        connectionId: event.requestContext.connectionId,
        body,
        // Outside Lambda (tests) there is no deadline but our own bound.
        remainingMs: () => context?.getRemainingTimeInMillis?.() ?? 29_000,
      });
      return { statusCode: 200 };
    },

    async disconnect(event) {
      await socket.disconnect({
        connectionId: event.requestContext.connectionId,
        code: event.requestContext.disconnectStatusCode,
        reason: event.requestContext.disconnectReason,
      });
      return { statusCode: 200 };
    },
  };
}
