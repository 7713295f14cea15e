/**
 * The call index on DynamoDB Local: a call's events come back by seq, only
 * that site's and that call's, once each when a batch is sent again, also
 * when batches were stored out of order; a call of more events than asked
 * for is cut and says so.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BoxEvent } from '../../protocol/src/events/box-events.js';
import { dynamoClient } from '../../cloud/src/aws-clients.js';
import { CallHistory } from '../../cloud/src/store/call-events.js';
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

/** seq → a hangup of `call` (or an extensionstatus of no call). */
const record = (seq: number, call?: string) => ({
  seq,
  call,
  event: (call
    ? { event: 'hangup', timestamp: '1795513197.895228', calleridnum: String(800 + seq), uniqueid: `${call}-${seq}` }
    : { event: 'extensionstatus', timestamp: '1795513197.895228', exten: String(seq), status: '0' }) as unknown as BoxEvent,
});

describe('the call index', () => {
  it('answers a call\'s events in seq order, only its own, each once', async () => {
    const [site, other] = [randomId('site'), randomId('site')];
    const store = new EventStore(db, tables.events, tables.main);
    const calls = new CallHistory(db, tables.events, 30);
    const A = '1795513190.101';
    const B = '1795513190.102';
    // Interleaved calls and events of none; the later batch stored first.
    const all = Array.from({ length: 12 }, (_, i) => record(i + 1, [A, B, undefined][i % 3]));
    await store.storeBatch('ten', site, all.slice(6), Date.now());
    await store.storeBatch('ten', site, all.slice(0, 6), Date.now());
    await new EventStore(db, tables.events, tables.main).storeBatch('ten', site, all.slice(0, 6), Date.now());
    // The same Linkedid on another site (two PBXs' clocks can agree).
    await store.storeBatch('ten', other, [record(1, A), record(2, A)], Date.now());

    const ofA = await calls.ofCall(site, A);
    expect(ofA.events.map((e) => e.seq)).toEqual([1, 4, 7, 10]);
    expect(ofA.events.map((e) => e.data)).toEqual([1, 4, 7, 10].map((seq) => record(seq, A).event));
    expect(ofA.events.every((e) => e.call === A && e.siteId === site)).toBe(true);
    expect(ofA.truncated).toBe(false);
    expect((await calls.ofCall(site, B)).events.map((e) => e.seq)).toEqual([2, 5, 8, 11]);
    expect((await calls.ofCall(other, A)).events.map((e) => e.seq)).toEqual([1, 2]);
    expect(await calls.ofCall(site, '1795513190.103')).toEqual({ events: [], truncated: false });

    expect(await calls.ofCall(site, A, 3).then((r) => [r.events.map((e) => e.seq), r.truncated])).toEqual([[1, 4, 7], true]);
    expect(await calls.ofCall(site, A, 4).then((r) => [r.events.map((e) => e.seq), r.truncated])).toEqual([[1, 4, 7, 10], false]);
  });
});
