/**
 * The stream's WebSocket API routes ($connect, $disconnect) as Lambda
 * handlers, and the stream's `resume`: $connect runs the same opening checks
 * as the local server (stream/open.ts) and keeps the subscription; the
 * outbox's AwsStreamPublisher posts to it. A refusal answers the /v1 error
 * body with its status, before the upgrade. A connection that resumes
 * (`after`) or asks for state is handed to `resume` by an asynchronous
 * invocation (stream/aws-resume.ts): $connect cannot post to its own
 * connection.
 */

import { managementClient, lambdaClient } from '../../aws-clients.js';
import { accountStore, eventStore, liveStore } from '../../compose.js';
import { ApiError, invalidField } from '../../api/errors.js';
import { StreamConnections } from '../../stream/aws-connections.js';
import { AwsStreamResume, isResumeRequest, type ResumeInvoker } from '../../stream/aws-resume.js';
import { openStream } from '../../stream/open.js';
import { DEFAULT_STREAM_LIMITS } from '../../stream/messages.js';
import { SubscriptionStore } from '../../stream/subscriptions.js';
import { TicketStore } from '../../stream/tickets.js';
import { must, type LambdaConfig } from '../config.js';
import { LambdaResumeInvoker } from '../invoke.js';
import { lambdaCloud, type LambdaCloudOptions } from './common.js';
import { header, type RelaySocketHandlers, type RelaySocketResult } from './relay-socket.js';

export interface StreamSocketHandlers extends RelaySocketHandlers {
  /** The asynchronous invocation $connect starts (a ResumeRequest). */
  resume(event: unknown): Promise<void>;
}

export interface StreamSocketOptions extends Pick<LambdaCloudOptions, 'clock' | 'logger'> {
  /** How $connect starts a resume (default: Lambda's Invoke API on STREAM_RESUME_FUNCTION). */
  invoker?: ResumeInvoker;
}

export function createStreamSocketHandlers(config: LambdaConfig, options: StreamSocketOptions = {}): StreamSocketHandlers {
  const cloud = lambdaCloud(config, 'stream-socket', { secrets: false }, options);
  const subscriptions = new SubscriptionStore(cloud.db, cloud.tables.main, cloud.clock);
  const deps = { accounts: accountStore(cloud), tickets: new TicketStore(cloud.db, cloud.tables.main, cloud.clock), events: eventStore(cloud), clock: cloud.clock, resumeWindowMs: DEFAULT_STREAM_LIMITS.resumeWindowMs };
  const invoker = options.invoker ?? (config.streamResumeFunction ? new LambdaResumeInvoker(lambdaClient(config.lambdaEndpoint), config.streamResumeFunction) : undefined);
  // Only the resume function posts; it is built on its first invocation.
  let resumer: AwsStreamResume | undefined;
  const ok: RelaySocketResult = { statusCode: 200 };

  return {
    async connect(event) {
      const params = new URLSearchParams(Object.entries(event.queryStringParameters ?? {}).map(([k, v]): [string, string] => [k, v ?? '']));
      const connectionId = event.requestContext.connectionId;
      try {
        const opened = await openStream(deps, params, header(event, 'authorization'));
        const resumes = opened.after.size > 0 || opened.state;
        if (resumes && !invoker) throw invalidField(opened.after.size > 0 ? 'after' : 'state', 'not available on this deployment (STREAM_RESUME_FUNCTION is not set): connect without it');
        const request = { kind: 'stream-resume' as const, tenantId: opened.tenantId, connectionId };
        // Closed at once, as locally: no subscription, nothing posted but the reason.
        if (opened.expired !== undefined) return await invoker!.invoke({ ...request, expired: opened.expired }).then(() => ok);
        await subscriptions.add({ connectionId, tenantId: opened.tenantId, filter: opened.filter, state: opened.state, resuming: Object.fromEntries(opened.after) });
        if (resumes) {
          try {
            await invoker!.invoke(request);
          } catch (err) {
            await subscriptions.remove(connectionId);
            throw err;
          }
        }
        return ok;
      } catch (err) {
        if (err instanceof ApiError) return { statusCode: err.status, body: JSON.stringify(err.toBody()) };
        cloud.logger.error('stream connect failed', { error: err });
        return { statusCode: 500, body: 'internal error' };
      }
    },
    // Clients send nothing the stream acts on (the stack gives the API no $default route).
    message: async () => ok,
    async disconnect(event) {
      await subscriptions.remove(event.requestContext.connectionId);
      return ok;
    },
    async resume(event) {
      if (!isResumeRequest(event)) return void cloud.logger.error('stream resume: not a resume request', { event });
      resumer ??= new AwsStreamResume({
        subscriptions,
        connections: new StreamConnections(managementClient(must(config.streamManagementEndpoint, 'STREAM_MANAGEMENT_ENDPOINT')), subscriptions, cloud.clock),
        events: eventStore(cloud),
        live: liveStore(cloud),
        accounts: accountStore(cloud),
        logger: cloud.logger,
      });
      await resumer.run(event);
    },
  };
}
