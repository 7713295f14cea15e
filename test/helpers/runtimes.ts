/**
 * The cloud's two runtimes, for tests that must pass the same way on both:
 * the local server (one process, relays on /relay), and the Lambda handlers
 * behind the API Gateway stand-ins (relays on the WebSocket API, event
 * sources emulated in the background).
 */
import { startTestCloud } from './cloud-harness.js';
import { startLambdaCloud } from './lambda-cloud.js';

export interface RunningCloud {
  /** Base URL of the HTTP API. */
  url: string;
  /** What a relay's `[cloud] url` is set to. */
  relayUrl: string;
  stop(): Promise<void>;
}

/** What a test may set on either runtime. */
export interface RuntimeOptions {
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
      const cloud = await startTestCloud(opts);
      return { url: cloud.url, relayUrl: cloud.url, stop: () => cloud.stop() };
    },
  },
  {
    name: 'the Lambda handlers behind API Gateway',
    async start(opts = {}) {
      const cloud = await startLambdaCloud(opts);
      return { url: cloud.url, relayUrl: cloud.relayUrl, stop: () => cloud.stop() };
    },
  },
];
