/**
 * The cloud's two runtimes, for tests that must pass the same way on both:
 * the local server (one process, relays on /relay), and the Lambda handlers
 * behind the API Gateway stand-ins (relays on the WebSocket API, event
 * sources emulated in the background).
 */
import { queueUrls } from '../../cloud/src/lambda/config.js';
import { DeliveryQueue } from '../../cloud/src/webhooks/queue.js';
import { EventStore } from '../../cloud/src/store/events.js';
import { startTestCloud } from './cloud-harness.js';
import { startLambdaCloud } from './lambda-cloud.js';
import type { Pipeline } from './settled.js';

export interface RunningCloud {
  /** Base URL of the HTTP API. */
  url: string;
  /** What a relay's `[cloud] url` is set to. */
  relayUrl: string;
  /** Its outbox and delivery queues, to wait for them to settle. */
  pipeline: Pipeline;
  /** Outbox entries whose processing failed so far. */
  outboxFailures(): number;
  stop(): Promise<void>;
}

export interface RuntimeOptions {
  /** Where the outbox fan-out sends (a hop a test can cut; the local cloud sends and receives there). */
  fanoutSqsEndpoint?: string;
}

export interface CloudRuntime {
  name: string;
  start(options?: RuntimeOptions): Promise<RunningCloud>;
}

export const cloudRuntimes: CloudRuntime[] = [
  {
    name: 'the local cloud',
    async start(options = {}) {
      // A sweeper slower than a relay's next batch: whatever goes in order must do so by rule, not by luck.
      const cloud = await startTestCloud({ ...(options.fanoutSqsEndpoint ? { sqsEndpoint: options.fanoutSqsEndpoint } : {}), outboxSweepMs: 3000, outboxStaleMs: 1000 });
      return { url: cloud.url, relayUrl: cloud.url, pipeline: cloud, outboxFailures: () => cloud.outbox.failures, stop: () => cloud.stop() };
    },
  },
  {
    name: 'the Lambda handlers behind API Gateway',
    async start(options = {}) {
      const cloud = await startLambdaCloud({ outboxSqsEndpoint: options.fanoutSqsEndpoint });
      return {
        url: cloud.url,
        relayUrl: cloud.relayUrl,
        pipeline: { events: new EventStore(cloud.db, cloud.tables.events, cloud.tables.main), queue: new DeliveryQueue(cloud.sqs, queueUrls(cloud.config, true)) },
        outboxFailures: () => cloud.stream.failures,
        stop: () => cloud.stop(),
      };
    },
  },
];
