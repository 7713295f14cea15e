/**
 * The event stream's side: a second WebSocket API (docs/deploy.md "The event
 * stream on AWS" argues why not a route on the relays' API), whose $connect
 * and $disconnect each run on their own function from
 * cloud/src/lambda/stream-socket.ts, the resume function $connect invokes
 * asynchronously (`after` and `state`: the only one of the three that
 * posts), and the stage's management endpoint through which the outbox
 * posts events and the relay frames post state changes.
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
  readonly resumeFn: HandlerFunction;

  constructor(scope: Construct, id: string, props: StreamApiProps) {
    super(scope, id);
    this.api = new WebSocketApi(this, 'Api', { apiName: `${Stack.of(this).stackName}-stream`, description: 'coocenter event stream: browsers and CRMs, resumable' });
    this.stage = new WebSocketStage(this, 'Stage', { webSocketApi: this.api, stageName: props.settings.stage, autoDeploy: true });

    const environment = { MAIN_TABLE: props.tables.main.tableName, EVENTS_TABLE: props.tables.events.tableName, LOG_LEVEL: props.logLevel };
    const fn = (fnId: string, exportName: string, description: string, extra: Record<string, string>, more: { timeout?: Duration; retryAttempts?: number } = {}) =>
      new HandlerFunction(this, fnId, { entry: 'streamSocket', exportName, description, timeout: more.timeout ?? Duration.seconds(10), retryAttempts: more.retryAttempts, environment: { ...environment, ...extra } });
    // A replay may post a day of a busy site's events: minutes, not API Gateway's 29 s. Not
    // retried by Lambda: a second run would post again what the first did; the client reconnects.
    this.resumeFn = fn('Resume', 'resume', 'event stream resume: replay the stored events after `after`, switch live, send the full state', { STREAM_MANAGEMENT_ENDPOINT: this.managementEndpoint }, { timeout: Duration.minutes(5), retryAttempts: 0 });
    this.connectFn = fn('Connect', 'connect', 'event stream $connect: check the ticket or key and the filter, keep the subscription', { STREAM_RESUME_FUNCTION: this.resumeFn.functionName });
    this.disconnectFn = fn('Disconnect', 'disconnect', 'event stream $disconnect: forget the subscription', {});

    this.api.addRoute('$connect', { integration: new WebSocketLambdaIntegration('ConnectIntegration', this.connectFn) });
    this.api.addRoute('$disconnect', { integration: new WebSocketLambdaIntegration('DisconnectIntegration', this.disconnectFn) });

    // Tickets (taken), keys, sites and subscriptions are in the main table.
    for (const f of this.functions) grantItems(props.tables.main, f);
    // $connect only reads events (whether an `after` is still within the resume window); the resume reads them to replay.
    for (const f of [this.connectFn, this.resumeFn]) grantItemReads(props.tables.events, f);
    // $connect starts the resume and cannot post; only the resume posts.
    this.resumeFn.grantInvoke(this.connectFn);
    this.grantManageConnections(this.resumeFn);
  }

  get functions(): HandlerFunction[] {
    return [this.connectFn, this.disconnectFn, this.resumeFn];
  }

  /** https://{apiId}.execute-api.{region}.amazonaws.com/{stage}: where the outbox, the resume and relay frames post. */
  get managementEndpoint(): string {
    return this.stage.callbackUrl;
  }

  /** execute-api:ManageConnections on this stage's @connections only. */
  grantManageConnections(grantee: IGrantable): void {
    this.stage.grantManagementApiAccess(grantee);
  }
}
