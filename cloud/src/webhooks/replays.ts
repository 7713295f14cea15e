/**
 * Replay jobs (`POST …/webhooks/{id}/replay`, `GET …/replays/{jobId}`): a
 * replay is cut into steps of one site (or the tenant's operational events)
 * and one UTC day, each a message on the standard delivery queue, run by
 * whoever consumes it (the local worker, the deliveries Lambda). A step
 * re-sends that day's stored events that match the endpoint, enqueues the
 * next step, then advances the job:
 *
 *   PK T#<tenantId>  SK RPL#<jobId>
 *      webhookId, from, to, steps, stepsDone (the next to run), eventsFound,
 *      eventsQueued, status running|done|stopped, stoppedReason, ttl (7 days)
 *
 * The advance is conditional on the step, so a step that comes twice (a crash
 * between enqueue and advance) counts once; a step whose job has moved on is
 * dropped. Its events may then go out twice, with the same ids (receivers
 * drop what they have): at least once, like every delivery.
 */

import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../../protocol/src/clock.js';
import type { OperationalEventStore } from '../operational/store.js';
import type { EventStore } from '../store/events.js';
import { newId } from '../store/ids.js';
import { matches, type WebhookFanout } from './fanout.js';
import type { DeliveryQueue } from './queue.js';
import type { WebhookStore } from './subscriptions.js';

const DAY_MS = 86_400_000;
const KEEP_DAYS = 7;

export interface ReplayJob {
  jobId: string;
  webhookId: string;
  from: string;
  to: string;
  status: 'running' | 'done' | 'stopped';
  stoppedReason?: string;
  /** Steps (site × UTC day) in all, and done so far. */
  steps: number;
  stepsDone: number;
  /** Stored events in the range, and those of them that matched the endpoint and were enqueued. */
  eventsFound: number;
  eventsQueued: number;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
}

/** One step's queue message. */
export interface ReplayStep {
  v: 1;
  kind: 'replay';
  jobId: string;
  tenantId: string;
  webhookId: string;
  from: number;
  to: number;
  /** What to read, in turn: a site's events, or (null) the tenant's operational events. */
  sources: Array<string | null>;
  step: number;
}

export function isReplayStep(body: unknown): body is ReplayStep {
  return typeof body === 'object' && body !== null && (body as { kind?: unknown }).kind === 'replay';
}

const JOB_FIELDS: Array<keyof ReplayJob> = ['jobId', 'webhookId', 'from', 'to', 'status', 'stoppedReason', 'steps', 'stepsDone', 'eventsFound', 'eventsQueued', 'createdAt', 'updatedAt', 'finishedAt'];

const utcDay = (ms: number) => ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);
const daysIn = (from: number, to: number) => (utcDay(to) - utcDay(from)) / DAY_MS + 1;

export class ReplayJobs {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock,
  ) {}

  private key = (tenantId: string, jobId: string) => ({ PK: `T#${tenantId}`, SK: `RPL#${jobId}` });
  private now = () => new Date(this.clock.now()).toISOString();

  /** A new job over these sources, and its first step (none when there is nothing to replay). */
  async create(tenantId: string, webhookId: string, from: number, to: number, sources: Array<string | null>): Promise<{ job: ReplayJob; first?: ReplayStep }> {
    const at = this.now();
    const steps = sources.length * daysIn(from, to);
    const job: ReplayJob = {
      jobId: newId('replay'),
      webhookId,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      status: steps === 0 ? 'done' : 'running',
      steps,
      stepsDone: 0,
      eventsFound: 0,
      eventsQueued: 0,
      createdAt: at,
      updatedAt: at,
      ...(steps === 0 ? { finishedAt: at } : {}),
    };
    const ttl = Math.floor(this.clock.now() / 1000) + KEEP_DAYS * 86_400;
    await this.db.send(new PutCommand({ TableName: this.table, Item: { ...this.key(tenantId, job.jobId), type: 'replay', tenantId, ...job, ttl } }));
    return { job, first: steps === 0 ? undefined : { v: 1, kind: 'replay', jobId: job.jobId, tenantId, webhookId, from, to, sources, step: 0 } };
  }

  async get(tenantId: string, jobId: string): Promise<ReplayJob | undefined> {
    const item = (await this.db.send(new GetCommand({ TableName: this.table, Key: this.key(tenantId, jobId), ConsistentRead: true }))).Item;
    if (!item) return undefined;
    return Object.fromEntries(JOB_FIELDS.filter((f) => item[f] !== undefined).map((f) => [f, item[f]])) as unknown as ReplayJob;
  }

  /** Step `step` is done: count what it found and queued (once), and finish the job after its last step. */
  async advance(tenantId: string, jobId: string, step: number, found: number, queued: number, last: boolean): Promise<void> {
    const at = this.now();
    await this.conditional(
      tenantId,
      jobId,
      `SET stepsDone = :next, updatedAt = :at ADD eventsFound :f, eventsQueued :q`,
      'stepsDone = :step AND #s = :running',
      { ':next': step + 1, ':at': at, ':f': found, ':q': queued, ':step': step, ':running': 'running' },
    );
    if (last) await this.conditional(tenantId, jobId, 'SET #s = :done, finishedAt = :at', 'stepsDone = :n AND #s = :running', { ':done': 'done', ':at': at, ':n': step + 1, ':running': 'running' });
  }

  /** The endpoint went away or was disabled: the job ends where it is. */
  async stop(tenantId: string, jobId: string, reason: string): Promise<void> {
    const at = this.now();
    await this.conditional(tenantId, jobId, 'SET #s = :stopped, stoppedReason = :r, finishedAt = :at, updatedAt = :at', '#s = :running', { ':stopped': 'stopped', ':r': reason, ':at': at, ':running': 'running' });
  }

  private async conditional(tenantId: string, jobId: string, update: string, condition: string, values: Record<string, unknown>): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.key(tenantId, jobId),
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: values,
        }),
      );
    } catch (err) {
      if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
    }
  }
}

export interface ReplayStepDeps {
  clock: Clock;
  replays: ReplayJobs;
  webhooks: WebhookStore;
  events: EventStore;
  operational: OperationalEventStore;
  fanout: WebhookFanout;
  queue: DeliveryQueue;
}

/**
 * Pauses before reading the job again when a step arrives ahead of it. A step
 * is enqueued before its predecessor advances the job (so a crash between
 * the two repeats a step rather than losing the rest), and a consumer can
 * take it in that gap: it is not a repeat, only early by one write.
 */
const EARLY_STEP_WAITS_MS = [10, 50, 100, 250, 500, 1000];

/** The job as this step should find it: read again while the step is one ahead; still ahead after that, it is left for its queue to bring again. */
async function jobAtStep(deps: ReplayStepDeps, msg: ReplayStep): Promise<ReplayJob | undefined> {
  let job = await deps.replays.get(msg.tenantId, msg.jobId);
  const ahead = () => job?.status === 'running' && job.stepsDone === msg.step - 1;
  for (const ms of EARLY_STEP_WAITS_MS) {
    if (!ahead()) return job;
    await new Promise<void>((resolve) => deps.clock.setTimeout(resolve, ms));
    job = await deps.replays.get(msg.tenantId, msg.jobId);
  }
  if (ahead()) throw new Error(`replay ${msg.jobId} step ${msg.step} came before step ${msg.step - 1} was counted; its message comes again`);
  return job;
}

/** Run one step: that site's matching events of that day go to the endpoint again; then the next step. */
export async function runReplayStep(deps: ReplayStepDeps, msg: ReplayStep): Promise<void> {
  const job = await jobAtStep(deps, msg);
  if (!job || job.status !== 'running' || job.stepsDone !== msg.step) return; // done already: a repeat
  const webhook = await deps.webhooks.get(msg.tenantId, msg.webhookId);
  if (!webhook || webhook.status !== 'active') {
    await deps.replays.stop(msg.tenantId, msg.jobId, webhook ? 'the endpoint was disabled' : 'the endpoint was deleted');
    return;
  }
  const days = daysIn(msg.from, msg.to);
  const source = msg.sources[Math.floor(msg.step / days)];
  const dayStart = utcDay(msg.from) + (msg.step % days) * DAY_MS;
  const lo = Math.max(msg.from, dayStart);
  const hi = Math.min(msg.to, dayStart + DAY_MS - 1);
  const events = source === null ? deps.operational.between(msg.tenantId, lo, hi) : deps.events.between(source, lo, hi);
  const n = await deps.fanout.replay(webhook, events, (e) => matches(webhook, e), `replay.${msg.jobId}`);
  const last = msg.step + 1 >= days * msg.sources.length;
  if (!last) await deps.queue.sendStep({ ...msg, step: msg.step + 1 });
  await deps.replays.advance(msg.tenantId, msg.jobId, msg.step, n.found, n.queued, last);
}
