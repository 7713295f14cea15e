/**
 * The event stream's side: a second WebSocket API (docs/deploy.md "The event
 * stream on AWS" argues why not a route on the relays' API), whose $connect
 * and $disconnect each run on their own function from
 * cloud/src/lambda/stream-socket.ts, and the stage's management endpoint
 * through which the outbox posts events to the subscribed connections.
 *
 * No API Gateway authorizer: $connect itself checks the ticket or the tenant
 * key (stream/open.ts) and answers the /v1 error with its status to refuse
 * the upgrade, exactly like the local server.
 */

import { Duration, Stack } from 'aws-cdk-lib';
import { WebSocketApi, WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { grantItemReads, grantItems } from './grants.js';
import { HandlerFunction } from './lambda-function.js';
import type { Settings } from './settings.js';
import type { Tables } from './tables.js';

export interface StreamApiProps {
  settings: Settings;
  tables: Tables;
  logLevel: string;
}

export class StreamApi extends Construct {
  readonly api: WebSocketApi;
  readonly stage: WebSocketStage;
  readonly connectFn: HandlerFunction;
  readonly disconnectFn: HandlerFunction;

  constructor(scope: Construct, id: string, props: StreamApiProps) {
    super(scope, id);
    this.api = new WebSocketApi(this, 'Api', { apiName: `${Stack.of(this).stackName}-stream`, description: 'coocenter event stream: browsers and CRMs, resumable' });
    this.stage = new WebSocketStage(this, 'Stage', { webSocketApi: this.api, stageName: props.settings.stage, autoDeploy: true });

    const environment = { MAIN_TABLE: props.tables.main.tableName, EVENTS_TABLE: props.tables.events.tableName, LOG_LEVEL: props.logLevel };
    const fn = (fnId: string, exportName: string, description: string) =>
      new HandlerFunction(this, fnId, { entry: 'streamSocket', exportName, description, timeout: Duration.seconds(10), environment });
    this.connectFn = fn('Connect', 'connect', 'event stream $connect: check the ticket or key and the filter, keep the subscription');
    this.disconnectFn = fn('Disconnect', 'disconnect', 'event stream $disconnect: forget the subscription');

    this.api.addRoute('$connect', { integration: new WebSocketLambdaIntegration('ConnectIntegration', this.connectFn) });
    this.api.addRoute('$disconnect', { integration: new WebSocketLambdaIntegration('DisconnectIntegration', this.disconnectFn) });

    // Tickets (taken), keys, sites and subscriptions are in the main table.
    for (const f of [this.connectFn, this.disconnectFn]) grantItems(props.tables.main, f);
    // $connect only reads events: whether an `after` is still within the resume window.
    grantItemReads(props.tables.events, this.connectFn);
  }

  get functions(): HandlerFunction[] {
    return [this.connectFn, this.disconnectFn];
  }

  /** https://{apiId}.execute-api.{region}.amazonaws.com/{stage}: where the outbox posts events. */
  get managementEndpoint(): string {
    return this.stage.callbackUrl;
  }

  /** execute-api:ManageConnections on this stage's @connections only. */
  grantManageConnections(grantee: IGrantable): void {
    this.stage.grantManagementApiAccess(grantee);
  }
}
