/**
 * What Lambda's event source mappings do, for tests on loopback servers:
 *
 * - StreamSource reads the events table's real stream from DynamoDB Local
 *   (DescribeStream / GetShardIterator / GetRecords, its DynamoDB Streams
 *   API, called with plain HTTP: the SDK client for it is not installed),
 *   keeps the records the stack's filter keeps (new OUTBOX# items), and hands
 *   them to the handler; records from the lowest reported failure on are
 *   handed over again, as Lambda does.
 * - QueueSource receives from a fauxqs queue, hands the messages over as an
 *   SQSEvent, then deletes every message not reported as failed, as Lambda
 *   does — so a test sees exactly what stays in the queue.
 */
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';

export class StreamSource {
  private streamArn = '';
  /** Per shard, the last sequence number handed over. */
  private lastSeq = new Map<string, string>();
  private redeliver: DynamoDBRecord[] = [];
  /** Records handed over (repeats included), and failures reported. */
  delivered = 0;
  failures = 0;
  /** Every record handed over, for tests that hand them over again. */
  readonly history: DynamoDBRecord[] = [];

  constructor(
    private readonly endpoint: string,
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly handler: (e: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>,
  ) {}

  private async call<T>(op: string, body: unknown): Promise<T> {
    const res = await fetch(this.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `DynamoDBStreams_20120810.${op}`,
        // DynamoDB Local wants the header's shape, not a valid signature.
        authorization: 'AWS4-HMAC-SHA256 Credential=local/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as T;
    if (!res.ok) throw new Error(`DynamoDB Streams ${op}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  }

  /** Hand over what arrived since the last poll; returns the number of records handed over. */
  async poll(): Promise<number> {
    if (!this.streamArn) this.streamArn = (await this.db.send(new DescribeTableCommand({ TableName: this.table }))).Table!.LatestStreamArn!;
    const shards = (await this.call<{ StreamDescription: { Shards: Array<{ ShardId: string }> } }>('DescribeStream', { StreamArn: this.streamArn })).StreamDescription.Shards;
    const fresh: DynamoDBRecord[] = [];
    for (const { ShardId } of shards) {
      // A fresh iterator after the last record seen, every time: DynamoDB Local's
      // NextShardIterator after an empty read is a point in time, and a record
      // committed in the same instant would be skipped.
      const after = this.lastSeq.get(ShardId);
      const { ShardIterator } = await this.call<{ ShardIterator: string }>(
        'GetShardIterator',
        after ? { StreamArn: this.streamArn, ShardId, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after } : { StreamArn: this.streamArn, ShardId, ShardIteratorType: 'TRIM_HORIZON' },
      );
      const r = await this.call<{ Records: DynamoDBRecord[] }>('GetRecords', { ShardIterator, Limit: 100 });
      if (r.Records.length > 0) this.lastSeq.set(ShardId, r.Records[r.Records.length - 1].dynamodb!.SequenceNumber!);
      fresh.push(...r.Records.map((rec) => ({ ...rec, eventSourceARN: this.streamArn })));
    }
    // The stack's filter: INSERTs of OUTBOX# items.
    const records = [...this.redeliver, ...fresh.filter((r) => r.eventName === 'INSERT' && r.dynamodb?.Keys?.PK?.S?.startsWith('OUTBOX#'))];
    this.redeliver = [];
    if (records.length === 0) return 0;
    this.delivered += records.length;
    this.history.push(...records);
    const result = await this.handler({ Records: records });
    const failed = new Set(result.batchItemFailures.map((f) => f.itemIdentifier));
    if (failed.size > 0) {
      this.failures += failed.size;
      // Lambda checkpoints at the lowest failed sequence number and retries from there.
      const from = records.findIndex((r) => failed.has(r.dynamodb!.SequenceNumber!));
      this.redeliver = records.slice(from);
    }
    return records.length;
  }
}

export class QueueSource {
  private arn = '';
  /** Messages handed over, and how many were reported as failed (left in the queue). */
  received = 0;
  kept = 0;

  constructor(
    private readonly sqs: SQSClient,
    readonly url: string,
    private readonly handler: (e: SQSEvent) => Promise<SQSBatchResponse>,
  ) {}

  async poll(waitSec = 0): Promise<{ received: number; kept: string[] }> {
    if (!this.arn) this.arn = (await this.sqs.send(new GetQueueAttributesCommand({ QueueUrl: this.url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    const r = await this.sqs.send(new ReceiveMessageCommand({ QueueUrl: this.url, MaxNumberOfMessages: 10, WaitTimeSeconds: waitSec, MessageSystemAttributeNames: ['All'] }));
    const messages = r.Messages ?? [];
    if (messages.length === 0) return { received: 0, kept: [] };
    const event: SQSEvent = {
      Records: messages.map((m) => ({
        messageId: m.MessageId!,
        receiptHandle: m.ReceiptHandle!,
        body: m.Body ?? '',
        attributes: {
          ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
          SentTimestamp: m.Attributes?.SentTimestamp ?? String(Date.now()),
          SenderId: 'standin',
          ApproximateFirstReceiveTimestamp: m.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
          ...(m.Attributes?.MessageGroupId ? { MessageGroupId: m.Attributes.MessageGroupId } : {}),
        },
        messageAttributes: {},
        md5OfBody: m.MD5OfBody ?? '',
        eventSource: 'aws:sqs',
        eventSourceARN: this.arn,
        awsRegion: 'us-east-1',
      })),
    };
    this.received += messages.length;
    const result = await this.handler(event);
    const kept = new Set(result.batchItemFailures.map((f) => f.itemIdentifier));
    this.kept += kept.size;
    const done = messages.filter((m) => !kept.has(m.MessageId!));
    if (done.length > 0) {
      await this.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: this.url, Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
    }
    return { received: messages.length, kept: [...kept] };
  }
}
