/**
 * The relays' side: a WebSocket API that relays dial out to
 * (`wss://{api}.execute-api.{region}.amazonaws.com/{stage}`), its three routes
 * each on their own function from cloud/src/lambda/relay-socket.ts, and the
 * stage's management endpoint (@connections) through which the cloud talks
 * back to a relay.
 *
 * No API Gateway authorizer: $connect itself checks the relay token
 * (`Authorization: Bearer …`) and answers 401 to refuse the upgrade, exactly
 * like the local hub.
 */

import { Duration, Stack } from 'aws-cdk-lib';
import { WebSocketApi, WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { grantItems } from './grants.js';
import { HandlerFunction } from './lambda-function.js';
import type { Settings } from './settings.js';
import type { StreamApi } from './stream-api.js';
import type { Tables } from './tables.js';

export interface RelayApiProps {
  settings: Settings;
  tables: Tables;
  logLevel: string;
  /** The event stream's API: relay frames and $disconnect post live state changes to its clients. */
  stream: StreamApi;
}

export class RelayApi extends Construct {
  readonly api: WebSocketApi;
  readonly stage: WebSocketStage;
  readonly connectFn: HandlerFunction;
  readonly disconnectFn: HandlerFunction;
  readonly messageFn: HandlerFunction;

  constructor(scope: Construct, id: string, props: RelayApiProps) {
    super(scope, id);
    this.api = new WebSocketApi(this, 'Api', { apiName: `${Stack.of(this).stackName}-relay`, description: 'coocenter relays: one outbound WebSocket per site' });
    this.stage = new WebSocketStage(this, 'Stage', { webSocketApi: this.api, stageName: props.settings.stage, autoDeploy: true });

    // The three routes share one module; each function gets the same settings so that the
    // module's start-up reads the same environment whichever route it serves.
    const environment = {
      MAIN_TABLE: props.tables.main.tableName,
      EVENTS_TABLE: props.tables.events.tableName,
      RELAY_MANAGEMENT_ENDPOINT: this.managementEndpoint,
      EVENT_RETENTION_DAYS: String(props.settings.eventRetentionDays),
      STREAM_MANAGEMENT_ENDPOINT: props.stream.managementEndpoint,
      LOG_LEVEL: props.logLevel,
    };
    const fn = (fnId: string, exportName: string, description: string, timeout: Duration) =>
      new HandlerFunction(this, fnId, { entry: 'relaySocket', exportName, description, timeout, environment });

    // API Gateway waits at most 29 s for any WebSocket integration.
    this.connectFn = fn('Connect', 'connect', 'relay tunnel $connect: check the relay token, register the connection', Duration.seconds(10));
    this.disconnectFn = fn('Disconnect', 'disconnect', 'relay tunnel $disconnect: forget the connection', Duration.seconds(10));
    this.messageFn = fn('Message', 'message', 'relay tunnel frames: hello, events (stored, then acked), replies, status', Duration.seconds(29));

    this.api.addRoute('$connect', { integration: new WebSocketLambdaIntegration('ConnectIntegration', this.connectFn) });
    this.api.addRoute('$disconnect', { integration: new WebSocketLambdaIntegration('DisconnectIntegration', this.disconnectFn) });
    this.api.addRoute('$default', { integration: new WebSocketLambdaIntegration('MessageIntegration', this.messageFn) });

    for (const f of this.functions) grantItems(props.tables.main, f);
    // Only frames carry events, and only frames are answered (welcome, acks, pongs, closing
    // a replaced connection): $connect and $disconnect touch neither the events table nor
    // the connections.
    grantItems(props.tables.events, this.messageFn);
    this.grantManageConnections(this.messageFn);
    // Frames apply live state and $disconnect marks it offline: both post that to stream clients.
    for (const f of [this.messageFn, this.disconnectFn]) props.stream.grantManageConnections(f);
  }

  get functions(): HandlerFunction[] {
    return [this.connectFn, this.disconnectFn, this.messageFn];
  }

  /** https://{apiId}.execute-api.{region}.amazonaws.com/{stage}: where PostToConnection goes. */
  get managementEndpoint(): string {
    return this.stage.callbackUrl;
  }

  /** execute-api:ManageConnections on this stage's @connections only. */
  grantManageConnections(grantee: IGrantable): void {
    this.stage.grantManagementApiAccess(grantee);
  }
}
