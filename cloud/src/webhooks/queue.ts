/**
 * The delivery queues (SQS, or fauxqs locally: same client, same calls).
 *
 * - standard queue + DLQ: deliveries in parallel;
 * - FIFO queue + DLQ: endpoints with `ordered: true`, one message group per
 *   endpoint, site and call, so a call's events arrive in order while calls
 *   go in parallel.
 *
 * A retry is the same message made invisible until its next attempt
 * (ChangeMessageVisibility, up to 12 h): SQS counts the receives, which is the
 * attempt number.
 */

import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { allSettledOrThrow } from '../../../protocol/src/settle.js';
import { Batcher } from '../store/batcher.js';
import type { DeliveryRef } from './deliveries.js';
import type { Envelope } from './envelope.js';
import type { ReplayStep } from './replays.js';

export interface DeliveryMessage {
  v: 1;
  webhookId: string;
  tenantId: string;
  /** When the delivery began (ms; the event's batch was stored, or a replay was asked): names its record, the same on every message for it. */
  enqueuedAt: number;
  envelope: Envelope;
  call?: string;
  /** When this message was sent (ms); messages from before this field: `enqueuedAt`. */
  queuedAt?: number;
  /**
   * The attempts already made before this message: a message queued again
   * after the one before it was lost (recovery.ts), or a resend. The attempt
   * log counts on from there.
   */
  attemptsBefore?: number;
  /** Of those, the ones before the current retry schedule began: a resend starts a fresh schedule (absent: 0). */
  scheduleFrom?: number;
  /** How many times the delivery has been queued again after a loss. */
  requeues?: number;
}

/** The delivery record a queue message stands for. */
export function refOf(msg: DeliveryMessage): DeliveryRef {
  return {
    webhookId: msg.webhookId,
    tenantId: msg.tenantId,
    eventId: msg.envelope.id,
    seq: msg.envelope.seq,
    enqueuedAt: msg.enqueuedAt,
    queuedAt: msg.queuedAt ?? msg.enqueuedAt,
    requeues: msg.requeues ?? 0,
    scheduleFrom: msg.scheduleFrom ?? 0,
  };
}

export interface QueueUrls {
  standard: string;
  standardDlq: string;
  fifo: string;
  fifoDlq: string;
}

export interface ReceivedMessage {
  queueUrl: string;
  receiptHandle: string;
  /** 1 on the first receive. */
  receiveCount: number;
  body: DeliveryMessage;
}

/** Create the four queues (local servers; on AWS the stack creates them). */
export async function ensureQueues(sqs: SQSClient, prefix: string, visibilitySec = 60): Promise<QueueUrls> {
  const create = async (name: string, attrs: Record<string, string>) => (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attrs }))).QueueUrl!;
  const arn = async (url: string) => (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  const standardDlq = await create(`${prefix}-deliveries-dlq`, {});
  const fifoDlq = await create(`${prefix}-deliveries-dlq.fifo`, { FifoQueue: 'true' });
  // The worker dead-letters explicitly after the last attempt; the redrive policy is a safety net.
  const redrive = async (dlq: string) => JSON.stringify({ deadLetterTargetArn: await arn(dlq), maxReceiveCount: '20' });
  const standard = await create(`${prefix}-deliveries`, { VisibilityTimeout: String(visibilitySec), RedrivePolicy: await redrive(standardDlq) });
  const fifo = await create(`${prefix}-deliveries.fifo`, { FifoQueue: 'true', VisibilityTimeout: String(visibilitySec), RedrivePolicy: await redrive(fifoDlq) });
  return { standard, standardDlq, fifo, fifoDlq };
}

export class DeliveryQueue {
  /** Deletes go out in DeleteMessageBatch requests of up to 10, per queue. */
  private readonly deletes = new Map<string, Batcher<string>>();

  constructor(
    readonly sqs: SQSClient,
    readonly urls: QueueUrls,
  ) {}

  /**
   * Enqueue messages: ordered ones to the FIFO queue, the rest to the standard
   * one; 10 per request. Standard requests go out in parallel (no order to
   * keep); FIFO requests one after the other, so a group's messages keep theirs.
   */
  async send(messages: Array<{ message: DeliveryMessage; ordered: boolean; dedupe?: string }>): Promise<void> {
    const standard = messages.filter((m) => !m.ordered);
    const fifo = messages.filter((m) => m.ordered);
    const sendStandard = chunks(standard, 10).map((chunk) => this.batch(this.urls.standard, chunk.map((m, j) => ({ Id: String(j), MessageBody: JSON.stringify(m.message) }))));
    const sendFifo = (async () => {
      for (const chunk of chunks(fifo, 10)) {
        await this.batch(
          this.urls.fifo,
          chunk.map((m, j) => ({
            Id: String(j),
            MessageBody: JSON.stringify(m.message),
            MessageGroupId: groupOf(m.message),
            MessageDeduplicationId: (m.dedupe ?? `${m.message.webhookId}.${m.message.envelope.id}`).slice(0, 128),
          })),
        );
      }
    })();
    // Fail only once every request has settled: a request still being retried
    // when another failed would otherwise land later, behind the caller's
    // back, while the caller sends the whole batch again.
    await allSettledOrThrow([...sendStandard, sendFifo]);
  }

  private async batch(url: string, entries: Array<{ Id: string; MessageBody: string; MessageGroupId?: string; MessageDeduplicationId?: string }>): Promise<void> {
    if (entries.length === 0) return;
    const r = await this.sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
    if (r.Failed && r.Failed.length > 0) throw new Error(`SQS refused ${r.Failed.length} of ${entries.length} messages: ${r.Failed[0].Message}`);
  }

  /** A replay job's next step (replays.ts), on the standard queue. */
  async sendStep(step: ReplayStep): Promise<void> {
    await this.sqs.send(new SendMessageCommand({ QueueUrl: this.urls.standard, MessageBody: JSON.stringify(step) }));
  }

  async receive(url: string, max: number, waitSec: number): Promise<ReceivedMessage[]> {
    const r = await this.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: max, WaitTimeSeconds: waitSec, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }),
    );
    return (r.Messages ?? []).map((m) => ({
      queueUrl: url,
      receiptHandle: m.ReceiptHandle!,
      receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? '1'),
      body: JSON.parse(m.Body ?? '{}') as DeliveryMessage,
    }));
  }

  async done(m: Pick<ReceivedMessage, 'queueUrl' | 'receiptHandle'>): Promise<void> {
    let batcher = this.deletes.get(m.queueUrl);
    if (!batcher) {
      batcher = new Batcher<string>(10, 5, async (handles) => {
        const r = await this.sqs.send(
          new DeleteMessageBatchCommand({ QueueUrl: m.queueUrl, Entries: handles.map((ReceiptHandle, i) => ({ Id: String(i), ReceiptHandle })) }),
        );
        if (r.Failed && r.Failed.length > 0) throw new Error(`SQS refused to delete ${r.Failed.length} messages: ${r.Failed[0].Message}`);
      });
      this.deletes.set(m.queueUrl, batcher);
    }
    await batcher.add(m.receiptHandle);
  }

  /** Try again in `seconds`: the message stays invisible until then. */
  async later(m: Pick<ReceivedMessage, 'queueUrl' | 'receiptHandle'>, seconds: number): Promise<void> {
    await this.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: m.queueUrl, ReceiptHandle: m.receiptHandle, VisibilityTimeout: Math.round(seconds) }));
  }

  /** Move a message that will never succeed to the dead-letter queue. */
  async deadLetter(m: ReceivedMessage, reason: string): Promise<void> {
    const fifo = m.queueUrl === this.urls.fifo;
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: fifo ? this.urls.fifoDlq : this.urls.standardDlq,
        MessageBody: JSON.stringify({ ...m.body, deadLetterReason: reason }),
        ...(fifo ? { MessageGroupId: groupOf(m.body), MessageDeduplicationId: `dead.${m.body.webhookId}.${m.body.envelope.id}`.slice(0, 128) } : {}),
      }),
    );
    await this.done(m);
  }
}

/** One FIFO group per endpoint, site and call (events of no call share the site's group). */
export function groupOf(m: DeliveryMessage): string {
  return `${m.webhookId}.${m.envelope.siteId}.${m.call ?? 'site'}`.slice(0, 128);
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
