/**
 * The cloud as it runs on AWS, on loopback: the real Lambda handlers, built
 * from an explicit config, behind stand-ins for API Gateway's HTTP and
 * WebSocket APIs, on the run's DynamoDB Local and fauxqs (SQS and S3), with
 * the event source mappings (the events table's stream → outbox, the two
 * delivery queues → deliveries) emulated by background pollers unless a test
 * wants to drive them itself.
 */
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import type { LambdaConfig } from '../../cloud/src/lambda/config.js';
import { createDeliveriesHandler, type DeliveriesHandler } from '../../cloud/src/lambda/handlers/deliveries.js';
import { createHttpHandler } from '../../cloud/src/lambda/handlers/http.js';
import { createOutboxHandlers, type OutboxHandlers } from '../../cloud/src/lambda/handlers/outbox.js';
import { createRelaySocketHandlers, type RelaySocketHandlers } from '../../cloud/src/lambda/handlers/relay-socket.js';
import { createStreamSocketHandlers, type StreamSocketHandlers } from '../../cloud/src/lambda/handlers/stream-socket.js';
import { dynamoClient, sqsClient } from '../../cloud/src/aws-clients.js';
import type { OutageTiming } from '../../cloud/src/outages/policy.js';
import { tableNames, type TableNames } from '../../cloud/src/store/dynamo.js';
import { EventStore } from '../../cloud/src/store/events.js';
import { randomId } from '../../cloud/src/store/secrets.js';
import { ensureTables } from '../../cloud/src/store/tables.js';
import { ensureQueues } from '../../cloud/src/webhooks/queue.js';
import { startHttpApi, type HttpApiStandIn, type HttpLambda } from './apigw-http.js';
import { startWebSocketApi, type WebSocketApiStandIn } from './apigw-websocket.js';
import { startLambdaInvoke, type LambdaInvokeStandIn } from './lambda-invoke.js';
import { CONSOLE_OUT } from '../../scripts/build-console.js';
import { ADMIN_TOKEN } from './cloud-harness.js';
import { QueueSource, StreamSource } from './event-sources.js';
import type { Logger } from '../../protocol/src/log.js';
import { quietLogger } from './relay-harness.js';

/** The stream's resume function, as the stand-in of Lambda's Invoke API names it. */
export const STREAM_RESUME_FUNCTION = 'coocenter-stream-resume';

export interface LambdaCloudOptions {
  commandTimeoutMs?: number;
  /** API Gateway's maximum connection age (2 hours), shortened. */
  maxAgeMs?: number;
  /** How many Lambda instances the relay socket's invocations are spread over. */
  instances?: number;
  webhookRetrySchedule?: readonly number[];
  /** Run the event source pollers in the background (default); false: the test calls poll() itself. */
  eventSources?: boolean;
  /** The SQS endpoint the outbox function sends to (a hop a test can cut); default the run's fauxqs. */
  outboxSqsEndpoint?: string;
  /** The relay socket functions' logger (default: errors only, dropped). */
  relaySocketLogger?: Logger;
  /** relay.offline/ami.down grace and silence (shortened by tests). */
  outageTiming?: Partial<OutageTiming>;
  /** Run the scheduled sweep (EventBridge) this often in the background; default: only when the test calls it. */
  sweepEveryMs?: number;
  /**
   * Give the relay socket functions STREAM_MANAGEMENT_ENDPOINT, as the stack does, so that applied
   * live state reaches `state=1` stream clients. Off by default: with the lookup of the tenant's
   * subscriptions per applied frame (on DynamoDB Local; also with it cached for a second) the
   * connection-switch test of reconnect.test.ts (a 50 events/s flood, each a new extension) missed
   * its 15 s four runs out of four on a loaded 2-core machine, and passed without it. Why the
   * lookup costs that much there is not understood yet.
   */
  liveStateToStream?: boolean;
  /** How often relays ping (the welcome's pingMs); default the function's 30 s. */
  pingMs?: number;
}

export interface LambdaCloud {
  /** The HTTP API (what API clients call). */
  url: string;
  /** The WebSocket API (a relay's `[cloud] url`). */
  relayUrl: string;
  /** The event stream's WebSocket API (docs/deploy.md: a second API). */
  streamUrl: string;
  streamApi: WebSocketApiStandIn;
  /** Lambda's Invoke API (the stream's resume function). */
  invoke: LambdaInvokeStandIn;
  config: LambdaConfig;
  tables: TableNames;
  ws: WebSocketApiStandIn;
  http: HttpApiStandIn;
  outbox: OutboxHandlers;
  deliveries: DeliveriesHandler;
  stream: StreamSource;
  queues: { standard: QueueSource; fifo: QueueSource };
  db: DynamoDBDocumentClient;
  sqs: SQSClient;
  s3: S3Client;
  /** The events table (its outbox), and the delivery queues: what deliveriesSettled watches. */
  events: EventStore;
  queue: { sqs: SQSClient; urls: { standard: string; fifo: string } };
  stop(): Promise<void>;
}

export async function startLambdaCloud(opts: LambdaCloudOptions = {}): Promise<LambdaCloud> {
  const dynamoEndpoint = inject('dynamoEndpoint');
  const sqsEndpoint = inject('sqsEndpoint');
  const prefix = randomId('t');
  const db = dynamoClient({ endpoint: dynamoEndpoint });
  const sqs = sqsClient(sqsEndpoint);
  // Only the test makes its bucket: the runtime presigns URLs and never calls S3 itself.
  const s3 = new S3Client({ endpoint: sqsEndpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const tables = tableNames(prefix);
  const bucket = `rec-${prefix.replace(/[^a-z0-9]/g, '')}`;
  const [urls] = await Promise.all([ensureQueues(sqs, prefix), ensureTables(db, tables), s3.send(new CreateBucketCommand({ Bucket: bucket }))]);

  // The socket stand-in must exist before the config that names its management endpoint.
  const instances: RelaySocketHandlers[] = [];
  const ws = await startWebSocketApi({ handlers: instances, maxAgeMs: opts.maxAgeMs });
  // The stream's own WebSocket API, whose URL the HTTP function puts in stream tickets (STREAM_URL, as deployed).
  const streamHandlers: RelaySocketHandlers[] = [];
  const streamApi = await startWebSocketApi({ handlers: streamHandlers });
  const config: LambdaConfig = {
    mainTable: tables.main,
    eventsTable: tables.events,
    queues: { standard: urls.standard, standardDlq: urls.standardDlq, fifo: urls.fifo, fifoDlq: urls.fifoDlq },
    recordingsBucket: bucket,
    relayManagementEndpoint: ws.managementEndpoint,
    streamUrl: streamApi.url,
    secretsKey: randomBytes(32).toString('base64'),
    adminToken: ADMIN_TOKEN,
    commandTimeoutMs: opts.commandTimeoutMs ?? 12_000,
    logLevel: 'error',
    dynamoEndpoint,
    sqsEndpoint,
    s3Endpoint: sqsEndpoint,
    allowPrivateWebhooks: true,
  };
  // Lambda's Invoke API for the stream's resume function.
  const streamManagementEndpoint = streamApi.managementEndpoint;
  const resumeFn: StreamSocketHandlers[] = [];
  const invoke = await startLambdaInvoke({ [STREAM_RESUME_FUNCTION]: (event) => resumeFn[0].resume(event) });
  const { outageTiming } = opts;
  // As deployed when asked: relay frames post live state changes to the stream's clients.
  const relayConfig = opts.liveStateToStream ? { ...config, streamManagementEndpoint } : config;
  for (let i = 0; i < (opts.instances ?? 2); i++) instances.push(createRelaySocketHandlers(relayConfig, { logger: opts.relaySocketLogger ?? quietLogger, outageTiming, pingMs: opts.pingMs }));
  const http = await startHttpApi(createHttpHandler(config, { logger: quietLogger, outageTiming, consoleDir: CONSOLE_OUT }) as unknown as HttpLambda);
  // $connect and $disconnect as the stack sets them (STREAM_RESUME_FUNCTION), the resume function with its endpoint.
  streamHandlers.push(createStreamSocketHandlers({ ...config, streamResumeFunction: STREAM_RESUME_FUNCTION, lambdaEndpoint: invoke.url }, { logger: quietLogger }));
  resumeFn.push(createStreamSocketHandlers({ ...config, streamManagementEndpoint }, { logger: quietLogger }));
  // Wired as deployed: the outbox builds its fan-out from STREAM_MANAGEMENT_ENDPOINT.
  const outbox = createOutboxHandlers({ ...config, streamManagementEndpoint, sqsEndpoint: opts.outboxSqsEndpoint ?? sqsEndpoint }, { logger: quietLogger, outageTiming });
  const deliveries = createDeliveriesHandler(config, { logger: quietLogger, schedule: opts.webhookRetrySchedule });
  const stream = new StreamSource(dynamoEndpoint, db, tables.events, (e) => outbox.handler(e));
  const queues = { standard: new QueueSource(sqs, urls.standard, deliveries), fifo: new QueueSource(sqs, urls.fifo, deliveries) };

  let running = opts.eventSources ?? true;
  const loop = async (step: () => Promise<unknown>, idleMs: number) => {
    while (running) {
      try {
        await step();
      } catch {
        // a poll that failed (the test is stopping, or a transient error): try again
      }
      await new Promise((r) => setTimeout(r, idleMs));
    }
  };
  const pumps = running ? [loop(() => stream.poll(), 20), loop(() => queues.standard.poll(1), 0), loop(() => queues.fifo.poll(1), 0)] : [];
  // EventBridge's schedule, shortened.
  if (opts.sweepEveryMs) pumps.push(loop(() => outbox.sweep(), opts.sweepEveryMs));

  return {
    url: http.url,
    relayUrl: ws.url,
    streamUrl: streamApi.url,
    streamApi,
    invoke,
    config,
    tables,
    ws,
    http,
    outbox,
    deliveries,
    stream,
    queues,
    db,
    sqs,
    s3,
    events: new EventStore(db, tables.events, tables.main),
    queue: { sqs, urls },
    async stop() {
      running = false;
      await Promise.all(pumps);
      await ws.stop();
      await streamApi.stop();
      await invoke.stop();
      await http.stop();
      db.destroy();
      sqs.destroy();
      s3.destroy();
    },
  };
}
