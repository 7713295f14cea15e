/**
 * The relay socket's three routes ($connect, $default, $disconnect) as Lambda
 * handlers over one RelaySocket. They only translate API Gateway's events;
 * what happens is in tunnel/aws-socket.ts.
 */

import type { APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { managementClient } from '../../aws-clients.js';
import { accountStore, connectionStore, eventStore, livePublisher, liveService, pendingCommandStore, relayPresence, relayStore } from '../../compose.js';
import { RelayConnections } from '../../tunnel/apigw-connections.js';
import { RelaySocket } from '../../tunnel/aws-socket.js';
import { must, type LambdaConfig } from '../config.js';
import { awsLiveStatePublisher } from './stream-parts.js';
import { lambdaCloud, type InvocationContext, type LambdaCloudOptions } from './common.js';

/** $connect events also carry the upgrade request's headers (and $disconnect some). */
export type RelaySocketEvent = APIGatewayProxyWebsocketEventV2 & {
  headers?: Record<string, string | undefined>;
  requestContext: APIGatewayProxyWebsocketEventV2['requestContext'] & { disconnectStatusCode?: number; disconnectReason?: string };
};

export interface RelaySocketResult {
  statusCode: number;
  body?: string;
}

export interface RelaySocketOptions extends Pick<LambdaCloudOptions, 'clock' | 'logger' | 'outageTiming'> {
  pingMs?: number;
}

export interface RelaySocketHandlers {
  connect(event: RelaySocketEvent, context?: InvocationContext): Promise<RelaySocketResult>;
  message(event: RelaySocketEvent, context?: InvocationContext): Promise<RelaySocketResult>;
  disconnect(event: RelaySocketEvent, context?: InvocationContext): Promise<RelaySocketResult>;
}

/** Header names arrive in the client's casing. */
export function header(event: RelaySocketEvent, name: string): string | undefined {
  for (const [k, v] of Object.entries(event.headers ?? {})) if (k.toLowerCase() === name) return v;
  return undefined;
}

export function createRelaySocketHandlers(config: LambdaConfig, options: RelaySocketOptions = {}): RelaySocketHandlers {
  // Frames of one site are stored by many instances: read the ack mark for each batch.
  // Relay tokens are checked against their hash: no secret is ever opened here.
  const cloud = lambdaCloud(config, 'relay-socket', { secrets: false }, { ...options, cacheAckMark: false, liveGapWaitsMs: [50, 150, 400] });
  // Applied live state goes to the stream's clients that asked for it, where the stream API is deployed.
  if (config.streamManagementEndpoint) cloud.made.set(livePublisher, awsLiveStatePublisher(cloud, config.streamManagementEndpoint));
  const socket = new RelaySocket({
    accounts: accountStore(cloud),
    events: eventStore(cloud),
    presence: relayPresence(cloud),
    connections: connectionStore(cloud),
    pending: pendingCommandStore(cloud),
    api: new RelayConnections(managementClient(must(config.relayManagementEndpoint, 'RELAY_MANAGEMENT_ENDPOINT'))),
    clock: cloud.clock,
    logger: cloud.logger,
    pingMs: options.pingMs,
    live: liveService(cloud),
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
