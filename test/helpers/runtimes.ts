/**
 * The cloud's two runtimes, for tests that must pass the same way on both:
 * the local server (one process, relays on /relay), and the Lambda handlers
 * behind the API Gateway stand-ins (relays on the WebSocket API, event
 * sources emulated in the background, the scheduled sweep too when asked).
 */
import type { OutageTiming } from '../../cloud/src/outages/policy.js';
import { startTestCloud } from './cloud-harness.js';
import { startLambdaCloud } from './lambda-cloud.js';
import type { Pipeline } from './settled.js';

export interface RunningCloud {
  /** Base URL of the HTTP API. */
  url: string;
  /** What a relay's `[cloud] url` is set to. */
  relayUrl: string;
  /** Where event stream clients connect (`http…/v1/stream`, or the stream API's stand-in). */
  streamUrl: string;
  /** Its outbox and delivery queues (deliveriesSettled). */
  pipeline: Pipeline;
  /** Outbox entries whose processing failed so far. */
  outboxFailures(): number;
  stop(): Promise<void>;
}

/** What a test may set on either runtime. */
export interface RuntimeOptions {
  /** Where the outbox fan-out sends (a hop a test can cut; the local cloud sends and receives there). */
  fanoutSqsEndpoint?: string;
  /** relay.offline/ami.down grace, shortened (the local cloud checks on timers; on AWS the sweep runs every 200 ms). */
  outageTiming?: Partial<OutageTiming>;
  /** Seconds between webhook attempts (the schedule's length is the retries before dead-lettering). */
  webhookRetrySchedule?: readonly number[];
}

export interface CloudRuntime {
  name: string;
  start(opts?: RuntimeOptions): Promise<RunningCloud>;
}

export const cloudRuntimes: CloudRuntime[] = [
  {
    name: 'the local cloud',
    async start(opts = {}) {
      // A sweeper slower than a relay's next batch: whatever goes in order must do so by rule, not by luck.
      const cloud = await startTestCloud({
        ...(opts.fanoutSqsEndpoint ? { sqsEndpoint: opts.fanoutSqsEndpoint } : {}),
        outboxSweepMs: 3000,
        outboxStaleMs: 1000,
        outageTiming: opts.outageTiming,
        webhookRetrySchedule: opts.webhookRetrySchedule,
      });
      return { url: cloud.url, relayUrl: cloud.url, streamUrl: `${cloud.url}/v1/stream`, pipeline: cloud, outboxFailures: () => cloud.outbox.failures, stop: () => cloud.stop() };
    },
  },
  {
    name: 'the Lambda handlers behind API Gateway',
    async start(opts = {}) {
      const cloud = await startLambdaCloud({
        outboxSqsEndpoint: opts.fanoutSqsEndpoint,
        outageTiming: opts.outageTiming,
        sweepEveryMs: opts.outageTiming ? 200 : undefined,
        webhookRetrySchedule: opts.webhookRetrySchedule,
      });
      return { url: cloud.url, relayUrl: cloud.relayUrl, streamUrl: cloud.streamUrl, pipeline: cloud, outboxFailures: () => cloud.stream.failures, stop: () => cloud.stop() };
    },
  },
];
