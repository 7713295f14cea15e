/**
 * What apply() sends to DynamoDB for each kind of event, and how it treats
 * repeats, conflicts and failures: against a scripted client, no sockets.
 */

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { AnalyticsStore } from '../../cloud/src/analytics/store.js';
import type { StoredEvent } from '../../cloud/src/store/events.js';
import { systemClock } from '../../protocol/src/clock.js';

type Sent = { name: string; input: any };

function fakeDb(script: (cmd: Sent, n: number) => unknown = () => ({})) {
  const sent: Sent[] = [];
  const db = {
    send: async (cmd: { constructor: { name: string }; input: unknown }) => {
      const s = { name: cmd.constructor.name, input: cmd.input };
      sent.push(s);
      const r = script(s, sent.length);
      if (r instanceof Error) throw r;
      return r;
    },
  } as unknown as DynamoDBDocumentClient;
  return { db, sent };
}

function cancelled(...codes: string[]): Error {
  return Object.assign(new Error('cancelled'), { name: 'TransactionCanceledException', CancellationReasons: codes.map((Code) => ({ Code })) });
}

const conditionFailed = () => Object.assign(new Error('condition'), { name: 'ConditionalCheckFailedException' });

const at = '2026-11-24T09:15:00.000Z';
const cc = (over: Record<string, unknown> = {}): StoredEvent => ({
  id: 'evt_s_7',
  siteId: 's',
  tenantId: 't',
  seq: 7,
  type: 'cc_cdr',
  occurredAt: at,
  data: { event: 'cc_cdr', caller: '0612', queueCode: '630', agentCode: '804', queueTime: '12', talkingTime: '60', holdTime: 3, missCause: '', ...over } as never,
});

describe('apply()', () => {
  it('answered cc_cdr: one transaction (CDR put + hour, queue day/month, agent day/month counters), then five maxWait updates', async () => {
    const { db, sent } = fakeDb();
    await new AnalyticsStore(db, 'ev', systemClock).apply(cc());
    expect(sent.map((s) => s.name)).toEqual(['TransactWriteCommand', 'UpdateCommand', 'UpdateCommand', 'UpdateCommand', 'UpdateCommand', 'UpdateCommand']);
    const items = sent[0].input.TransactItems;
    expect(items).toHaveLength(6);
    expect(items[0].Put).toMatchObject({
      ConditionExpression: 'attribute_not_exists(PK)',
      Item: { PK: 'CDR#s#cc_cdr#2026-11-24', SK: `${String(Date.parse(at)).padStart(15, '0')}#000000000007`, GSI1PK: 'CDRC#s#cc_cdr#0612#2026-11', GSI2PK: 'CDRA#s#804#2026-11', tenantId: 't' },
    });
    expect(items.slice(1).map((i: any) => i.Update.Key)).toEqual([
      { PK: 'RU#s#H#2026-11', SK: '2026-11-24T09' },
      { PK: 'RU#s#Q#2026-11', SK: '2026-11-24#630' },
      { PK: 'RU#s#QM#2026', SK: '2026-11#630' },
      { PK: 'RU#s#A#2026-11', SK: '2026-11-24#804' },
      { PK: 'RU#s#AM#2026', SK: '2026-11#804' },
    ]);
    expect(items[1].Update.UpdateExpression).toMatch(/ ADD /);
    expect(sent[1].input).toMatchObject({ UpdateExpression: 'SET #m = :w', ConditionExpression: 'attribute_not_exists(#m) OR #m < :w', ExpressionAttributeValues: { ':w': 12 } });
  });

  it('abandoned cc_cdr without wait: hour and queue counters, no maxWait write', async () => {
    const { db, sent } = fakeDb();
    await new AnalyticsStore(db, 'ev', systemClock).apply(cc({ agentCode: '', queueTime: '0', missCause: 'NO_AGENT_LOGIN' }));
    expect(sent.map((s) => s.name)).toEqual(['TransactWriteCommand']);
    expect(sent[0].input.TransactItems).toHaveLength(4);
    expect(sent[0].input.TransactItems[0].Put.Item.GSI2PK).toBeUndefined();
  });

  it('cdr, and cc_cdr without a queue: the CDR item alone; other events: nothing', async () => {
    const { db, sent } = fakeDb();
    const store = new AnalyticsStore(db, 'ev', systemClock);
    await store.apply(cc({ queueCode: '', agentCode: '' }));
    await store.apply({ ...cc(), type: 'cdr', data: { event: 'cdr', source: '', destination: '809' } as never });
    await store.apply({ ...cc(), type: 'hangup', data: { event: 'hangup' } as never });
    await store.apply({ ...cc(), type: 'ivr', data: { event: 'ivr' } as never });
    expect(sent.map((s) => s.name)).toEqual(['PutCommand', 'PutCommand']);
    expect(sent[1].input.Item).toMatchObject({ PK: 'CDR#s#cdr#2026-11-24' });
    expect(sent[1].input.Item.GSI1PK).toBeUndefined(); // empty caller: not indexed
  });

  it('a repeat: the transaction fails on the CDR put, counters stay, maxWait is still (idempotently) raised', async () => {
    const { db, sent } = fakeDb((s) => (s.name === 'TransactWriteCommand' ? cancelled('ConditionalCheckFailed', 'None', 'None', 'None', 'None', 'None') : s.name === 'UpdateCommand' ? conditionFailed() : {}));
    await new AnalyticsStore(db, 'ev', systemClock).apply(cc());
    expect(sent.map((s) => s.name)).toEqual(['TransactWriteCommand', ...Array(5).fill('UpdateCommand')]);
    const put = fakeDb(() => conditionFailed());
    await new AnalyticsStore(put.db, 'ev', systemClock).apply({ ...cc(), type: 'cdr', data: { event: 'cdr', source: '1' } as never });
  });

  it('skips maxWait updates that cannot raise the maximum this process has seen', async () => {
    const { db, sent } = fakeDb((s) => (s.name === 'UpdateCommand' && s.input.ExpressionAttributeValues[':w'] === 30 ? Object.assign(conditionFailed(), { Item: { maxWait: { N: '40' } } }) : {}));
    const store = new AnalyticsStore(db, 'ev', systemClock);
    await store.apply(cc({ queueTime: '12' }));
    expect(sent.filter((s) => s.name === 'UpdateCommand')).toHaveLength(5);
    sent.length = 0;
    // Same hour, queue and agent, a shorter wait: counters only.
    await store.apply({ ...cc({ queueTime: '7' }), seq: 8 });
    expect(sent.map((s) => s.name)).toEqual(['TransactWriteCommand']);
    sent.length = 0;
    // A longer wait is written; a refusal tells the stored maximum (40), which then covers 35.
    await store.apply({ ...cc({ queueTime: '30' }), seq: 9 });
    expect(sent.filter((s) => s.name === 'UpdateCommand')).toHaveLength(5);
    sent.length = 0;
    await store.apply({ ...cc({ queueTime: '35' }), seq: 10 });
    expect(sent.map((s) => s.name)).toEqual(['TransactWriteCommand']);
    // Another agent: its own items are not known yet.
    sent.length = 0;
    await store.apply({ ...cc({ queueTime: '35', agentCode: '805' }), seq: 11 });
    expect(sent.filter((s) => s.name === 'UpdateCommand').map((s) => s.input.Key.PK)).toEqual(['RU#s#A#2026-11', 'RU#s#AM#2026']);
  });

  it('retries a transaction that conflicted, and gives up (throws) after its attempts', async () => {
    const { db, sent } = fakeDb((s, n) => (s.name === 'TransactWriteCommand' && n <= 2 ? cancelled('None', 'TransactionConflict', 'None', 'None') : {}));
    await new AnalyticsStore(db, 'ev', systemClock).apply(cc());
    expect(sent.map((s) => s.name).slice(0, 3)).toEqual(['TransactWriteCommand', 'TransactWriteCommand', 'TransactWriteCommand']);
    const always = fakeDb(() => cancelled('None', 'ThrottlingError', 'None', 'None'));
    await expect(new AnalyticsStore(always.db, 'ev', systemClock, { transactionAttempts: 3 }).apply(cc())).rejects.toThrow('cancelled');
    expect(always.sent).toHaveLength(3);
  });

  it('lets other failures through, so the outbox retries the event', async () => {
    const { db } = fakeDb(() => Object.assign(new Error('down'), { name: 'InternalServerError' }));
    await expect(new AnalyticsStore(db, 'ev', systemClock).apply(cc())).rejects.toThrow('down');
    const validation = fakeDb((s) => (s.name === 'TransactWriteCommand' ? cancelled('None', 'ValidationError', 'None', 'None') : {}));
    await expect(new AnalyticsStore(validation.db, 'ev', systemClock).apply(cc())).rejects.toThrow('cancelled');
  });
});
