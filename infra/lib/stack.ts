/**
 * The whole cloud in one stack, environment-agnostic (no account, no region,
 * no look-ups) so that `npx cdk synth` runs offline with no credentials; the
 * region comes from the deploying profile.
 */

import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { Alarms } from './alarms.js';
import { Deliveries, QUEUE_VISIBILITY } from './deliveries.js';
import { PublicApi } from './http-api.js';
import { Outbox } from './outbox.js';
import { DeliveryQueues } from './queues.js';
import { RecordingsBucket } from './recordings.js';
import { RelayApi } from './relay-api.js';
import { AppSecrets } from './secrets.js';
import { StreamApi } from './stream-api.js';
import type { Settings } from './settings.js';
import { Tables } from './tables.js';

export interface ConnectorStackProps extends StackProps {
  settings: Settings;
}

export class ConnectorStack extends Stack {
  constructor(scope: Construct, id: string, props: ConnectorStackProps) {
    super(scope, id, props);
    const settings = props.settings;
    const removalPolicy = settings.removal === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const logLevel = 'info';

    const tables = new Tables(this, 'Tables', { removalPolicy });
    const queues = new DeliveryQueues(this, 'Queues', { visibilityTimeout: QUEUE_VISIBILITY, removalPolicy });
    const recordings = new RecordingsBucket(this, 'Recordings', { retentionDays: settings.recordingsRetentionDays, removalPolicy });
    const secrets = new AppSecrets(this, 'Secrets', { removalPolicy });

    const stream = new StreamApi(this, 'Stream', { settings, tables, logLevel });
    const relay = new RelayApi(this, 'Relay', { settings, tables, logLevel, stream });
    const api = new PublicApi(this, 'Public', { settings, tables, queues, recordings, secrets, relay, streamUrl: stream.stage.url, logLevel });
    const outbox = new Outbox(this, 'Outbox', { tables, queues, stream, logLevel });
    const deliveries = new Deliveries(this, 'Deliveries', { tables, queues, secrets, logLevel });

    new Alarms(this, 'Alarms', {
      functions: {
        Http: api.fn,
        RelayConnect: relay.connectFn,
        RelayDisconnect: relay.disconnectFn,
        RelayMessage: relay.messageFn,
        StreamConnect: stream.connectFn,
        StreamDisconnect: stream.disconnectFn,
        StreamResume: stream.resumeFn,
        OutboxStream: outbox.streamFn,
        OutboxSweep: outbox.sweepFn,
        Deliveries: deliveries.fn,
      },
      deadLetterQueues: { DeliveryDlq: queues.standardDlq, OrderedDlq: queues.orderedDlq },
      email: settings.alarmEmail,
    });

    new CfnOutput(this, 'ApiUrl', { value: api.url, description: 'Base URL of the public API (admin, box API per site, webhooks)' });
    new CfnOutput(this, 'RelayUrl', { value: relay.stage.url, description: 'The relays\' [cloud] url (wss://…/stage)' });
    new CfnOutput(this, 'StreamUrl', { value: stream.stage.url, description: 'The event stream (wss://…/stage?ticket=… or with Authorization: Bearer)' });
    new CfnOutput(this, 'RecordingsBucket', { value: recordings.bucketName, description: 'Short-lived recording uploads' });
    new CfnOutput(this, 'AdminTokenSecret', { value: secrets.adminToken.secretArn, description: 'Secrets Manager secret holding ADMIN_TOKEN' });
    if (api.domain) {
      new CfnOutput(this, 'ApiDomainTarget', { value: api.domain.regionalDomainName, description: `Point ${settings.domainName} here (CNAME or alias)` });
    }
  }
}
