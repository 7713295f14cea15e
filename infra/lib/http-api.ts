/**
 * The public API: an HTTP API (payload v2) whose every route goes to one
 * function running the cloud's Hono app (cloud/src/lambda/http.ts): admin,
 * webhooks, CDRs, statistics, the box API per site and the web console
 * (/console, its files beside the bundle). A box command goes to the site's
 * relay through the WebSocket API's management endpoint.
 */

import { Duration, Stack } from 'aws-cdk-lib';
import { DomainName, HttpApi, PayloadFormatVersion } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { AppSecrets } from './secrets.js';
import type { DeliveryQueues } from './queues.js';
import type { RecordingsBucket } from './recordings.js';
import type { RelayApi } from './relay-api.js';
import type { Settings } from './settings.js';
import type { Tables } from './tables.js';
import { grantItems } from './grants.js';
import { HandlerFunction } from './lambda-function.js';
import { CONSOLE_BUILD, OPENAPI_DOCUMENT, SWAGGER_UI } from './paths.js';

/**
 * How long a box command waits for the relay before answering 504. The HTTP
 * API gives up at 30 s and the function at 29 s: 25 s leaves room for a cold
 * start on both sides and for the 504 itself to be written.
 */
export const COMMAND_TIMEOUT_MS = 25_000;

export interface PublicApiProps {
  settings: Settings;
  tables: Tables;
  queues: DeliveryQueues;
  recordings: RecordingsBucket;
  secrets: AppSecrets;
  relay: RelayApi;
  /** The event stream's own API: its URL goes into stream tickets (STREAM_URL), for browsers on this API's origin. */
  streamUrl: string;
  logLevel: string;
}

export class PublicApi extends Construct {
  readonly api: HttpApi;
  readonly fn: HandlerFunction;
  readonly domain?: DomainName;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: PublicApiProps,
  ) {
    super(scope, id);
    this.fn = new HandlerFunction(this, 'Handler', {
      entry: 'http',
      exportName: 'handler',
      description: 'coocenter public API: admin, box API per site, webhooks, CDRs, statistics',
      timeout: Duration.seconds(29),
      memorySize: 1024,
      environment: {
        MAIN_TABLE: props.tables.main.tableName,
        EVENTS_TABLE: props.tables.events.tableName,
        // Replays enqueue deliveries; the dead-letter queues are the worker's business.
        DELIVERY_QUEUE_URL: props.queues.standard.queueUrl,
        ORDERED_QUEUE_URL: props.queues.ordered.queueUrl,
        RECORDINGS_BUCKET: props.recordings.bucketName,
        RELAY_MANAGEMENT_ENDPOINT: props.relay.managementEndpoint,
        COMMAND_TIMEOUT_MS: String(COMMAND_TIMEOUT_MS),
        STREAM_URL: props.streamUrl,
        LOG_LEVEL: props.logLevel,
        ...props.secrets.env({ secretsKey: true, adminToken: true }),
      },
      // The web console's files, the API document and the reference's files (/console, /openapi.json, /docs), read from disk per request: not compiled into the bundle, its cold start stays the API's.
      besideBundle: [{ from: CONSOLE_BUILD, to: 'console' }, OPENAPI_DOCUMENT, SWAGGER_UI],
    });
    grantItems(props.tables.main, this.fn);
    grantItems(props.tables.events, this.fn);
    this.fn.addToRolePolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [props.queues.standard.queueArn, props.queues.ordered.queueArn] }));
    // Presigned URLs act with the signer's rights: PUT for the relay's upload, GET for the redirect.
    this.fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject', 's3:GetObject'], resources: [props.recordings.arnForObjects('*')] }));
    props.relay.grantManageConnections(this.fn);

    const { domainName, certificateArn } = props.settings;
    if (domainName && certificateArn) {
      this.domain = new DomainName(this, 'Domain', {
        domainName,
        certificate: Certificate.fromCertificateArn(this, 'Certificate', certificateArn),
      });
    }
    this.api = new HttpApi(this, 'Api', {
      apiName: `${Stack.of(this).stackName}-public`,
      description: 'coocenter public API',
      defaultIntegration: new HttpLambdaIntegration('Integration', this.fn, { payloadFormatVersion: PayloadFormatVersion.VERSION_2_0 }),
      createDefaultStage: true,
      defaultDomainMapping: this.domain ? { domainName: this.domain } : undefined,
    });
  }

  /** The base URL clients use (no trailing slash). */
  get url(): string {
    // The literal name, not the DomainName resource's Ref: the output reads as the address it is.
    const { domainName } = this.props.settings;
    return this.domain && domainName ? `https://${domainName}` : this.api.apiEndpoint;
  }
}
