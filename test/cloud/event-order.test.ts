/**
 * The ack mark when batches of one site are stored out of order, by several
 * processes at once (API Gateway runs a connection's frames in parallel, in
 * as many Lambda instances as it likes): every event is stored once, and the
 * mark reaches the top without waiting for the relay to send anything again.
 * Each EventStore instance below stands for one process with its own cache.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BoxEvent } from '../../protocol/src/events/box-events.js';
import { dynamoClient } from '../../cloud/src/aws-clients.js';
import { tableNames, type TableNames } from '../../cloud/src/store/dynamo.js';
import { EventStore } from '../../cloud/src/store/events.js';
import { randomId } from '../../cloud/src/store/secrets.js';
import { ensureTables } from '../../cloud/src/store/tables.js';

let db: DynamoDBDocumentClient;
let tables: TableNames;

beforeAll(async () => {
  db = dynamoClient({ endpoint: inject('dynamoEndpoint') });
  tables = tableNames(randomId('t'));
  await ensureTables(db, tables);
});
afterAll(() => db.destroy());

const store = () => new EventStore(db, tables.events, tables.main);
const batch = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => ({
    seq: from + i,
    event: { event: 'extensionstatus', exten: String(from + i), status: '0', timestamp: '1795513197.895228' } as unknown as BoxEvent,
  }));

describe('the ack mark with batches stored out of order', () => {
  it('carries the mark over a batch stored above a gap once the gap is filled', async () => {
    const site = randomId('site');
    const [a, b] = [store(), store()];
    const later = await b.storeBatch('ten', site, batch(11, 20), Date.now());
    expect(later.ackedSeq).toBe(0); // 1..10 are not there yet
    expect(later.fresh.map((e) => e.seq)).toEqual(batch(11, 20).map((r) => r.seq));
    const earlier = await a.storeBatch('ten', site, batch(1, 10), Date.now());
    expect(earlier.ackedSeq).toBe(20);
    expect(await store().ackedSeq(site)).toBe(20);
  });

  it('does not trust a mark another process has moved since', async () => {
    const site = randomId('site');
    const [x, y] = [store(), store()];
    expect((await x.storeBatch('ten', site, batch(1, 10), Date.now())).ackedSeq).toBe(10);
    expect((await y.storeBatch('ten', site, batch(11, 20), Date.now())).ackedSeq).toBe(20);
    // x still believes 10.
    expect((await x.storeBatch('ten', site, batch(21, 30), Date.now())).ackedSeq).toBe(30);
  });

  it('reaches the top when many batches race in two processes, each event stored once', async () => {
    const site = randomId('site');
    const processes = [store(), store()];
    const batches = Array.from({ length: 12 }, (_, i) => batch(i * 5 + 1, i * 5 + 5));
    // A fixed shuffle: later batches first, alternating processes.
    const order = [7, 3, 11, 0, 9, 5, 1, 10, 2, 8, 4, 6];
    const results = await Promise.all(order.map((i, k) => processes[k % 2].storeBatch('ten', site, batches[i], Date.now())));
    expect(Math.max(...results.map((r) => r.ackedSeq))).toBe(60);
    expect(await store().ackedSeq(site)).toBe(60);
    const stored = results.flatMap((r) => r.fresh.map((e) => e.seq)).sort((p, q) => p - q);
    expect(stored).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    // A resend of everything is absorbed by a process that reads the mark.
    const again = await new EventStore(db, tables.events, tables.main, { cacheAckMark: false }).storeBatch('ten', site, batch(1, 60), Date.now());
    expect(again).toMatchObject({ ackedSeq: 60, fresh: [], outboxes: [] });
  });
});
