/**
 * The HTTP function: API Gateway's HTTP API (payload v2) into the same Hono
 * app the local server runs, with the AWS relay gateway instead of the local
 * hub. Built from an explicit config so tests run it in-process.
 */

import { handle } from 'hono/aws-lambda';
import { createCloudApp } from '../../app.js';
import { awsRegion, managementClient } from '../../aws-clients.js';
import { appDeps, pendingCommandStore, relayPresence, relayStore } from '../../compose.js';
import { RecordingBucket } from '../../store/recordings.js';
import { RelayConnections } from '../../tunnel/apigw-connections.js';
import { AwsRelayGateway } from '../../tunnel/aws-gateway.js';
import { must, type LambdaConfig } from '../config.js';
import { lambdaCloud, lambdaQueue, type LambdaCloudOptions } from './common.js';

export type HttpHandlerOptions = Pick<LambdaCloudOptions, 'clock' | 'logger' | 'resolver' | 'outageTiming'> & {
  /** The web console's built files (beside the bundle on AWS: infra/lib/http-api.ts copies them). */
  consoleDir?: string;
};

export function createHttpHandler(config: LambdaConfig, options: HttpHandlerOptions = {}) {
  const cloud = lambdaCloud(config, 'http', { secrets: true, queue: lambdaQueue(config, 'send') }, options);
  const { db, clock, logger } = cloud;
  const gateway = new AwsRelayGateway({
    relays: relayStore(cloud),
    presence: relayPresence(cloud),
    pending: pendingCommandStore(cloud),
    connections: new RelayConnections(managementClient(must(config.relayManagementEndpoint, 'RELAY_MANAGEMENT_ENDPOINT'))),
    recordings: new RecordingBucket({
      bucket: must(config.recordingsBucket, 'RECORDINGS_BUCKET'),
      region: awsRegion(),
      endpoint: config.s3Endpoint,
      // The function's own credentials, as its DynamoDB client resolves them.
      credentials: () => db.config.credentials(),
    }),
    clock,
    logger,
  });
  return handle(createCloudApp(appDeps(cloud, gateway), { consoleDir: options.consoleDir }));
}

export type HttpHandler = ReturnType<typeof createHttpHandler>;
