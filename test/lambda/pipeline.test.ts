/**
 * The event path on the AWS runtime, every hop real: relay → API Gateway
 * stand-in → $default (stored once in DynamoDB, acked) → the events table's
 * stream, read from DynamoDB Local → the outbox handler → fauxqs → the
 * deliveries handler → webhook receivers. The event sources are driven by
 * hand here, as Lambda's mappings would, so each hop's result can be checked.
 */
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { createOutboxHandlers } from '../../cloud/src/lambda/handlers/outbox.js';
import { EventStore, type StoredEvent } from '../../cloud/src/store/events.js';
import { systemClock } from '../../protocol/src/clock.js';
import type { BoxEvent } from '../../protocol/src/events/box-events.js';
import type { Relay } from '../../edge-relay/src/relay.js';
import { api, tenantAndSite, type Api } from '../helpers/cloud-harness.js';
import { startFakeAmi, type FakeAmi } from '../helpers/fake-ami.js';
import { StreamSource } from '../helpers/event-sources.js';
import { startLambdaCloud, type LambdaCloud } from '../helpers/lambda-cloud.js';
import { loadRecording } from '../helpers/recordings.js';
import { expectedConf, setConf, startTestRelay } from '../helpers/relay-harness.js';
import { waitFor } from '../helpers/wait.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

let cloud: LambdaCloud;
let call: Api;
let ids: Awaited<ReturnType<typeof tenantAndSite>>;
let relay: Relay;
let pbx: FakeAmi;
let events: EventStore;
const receivers: WebhookReceiver[] = [];

beforeAll(async () => {
  cloud = await startLambdaCloud({ eventSources: false, webhookRetrySchedule: [0, 0, 0, 0, 0, 0, 0] });
  call = api(cloud.url);
  ids = await tenantAndSite(call);
  events = new EventStore(cloud.db, cloud.tables.events, cloud.tables.main);
  pbx = await startFakeAmi((a, s) => s.reply(a, [['Response', 'Success']]));
  let conf = expectedConf('api.conf');
  conf = setConf(conf, 'general', { BINDPORT: 0, BINDADDR: '127.0.0.1', URL: '' });
  conf = setConf(conf, 'ami', { port: pbx.port });
  conf = setConf(conf, 'cloud', { url: cloud.relayUrl, token: ids.relayToken });
  relay = await startTestRelay(conf);
  await waitFor(async () => (await call('GET', `/v1/tenants/${ids.tenantId}/sites/${ids.siteId}`, { token: ids.apiKey })).body.relay.amiConnected, { what: 'relay online' });
});
afterAll(async () => {
  for (const r of receivers) await r.close();
  await relay.stop();
  await pbx.close();
  await cloud.stop();
});

async function subscribe(body: Record<string, unknown>) {
  const r = await call('POST', `/v1/tenants/${ids.tenantId}/webhooks`, { token: ids.apiKey, body });
  expect(r.status, r.text).toBe(201);
  return r.body as { id: string; secret: string };
}

async function receiver(): Promise<WebhookReceiver> {
  const r = await startWebhookReceiver();
  receivers.push(r);
  return r;
}

/** Events the relay has sent and the cloud acked, read back from DynamoDB. */
async function stored(): Promise<StoredEvent[]> {
  const n = relay.spool.seq;
  return events.getMany(ids.siteId, Array.from({ length: n }, (_, i) => i + 1));
}

const mk = (seq: number) => ({ seq, event: { event: 'extensionstatus', exten: `7${seq}`, status: '0', timestamp: '1795513197.895228' } as unknown as BoxEvent });
const outboxLeft = async () => (await events.staleOutbox(Date.now() + 3_600_000, 0)).length;
const byWebhookId = (r: WebhookReceiver) => new Map(r.deliveries.map((d) => [String(d.headers['webhook-id']), d]));

describe('events on the AWS runtime', () => {
  it('are stored once, streamed to the outbox handler, and delivered by the deliveries handler; a retry stays queued', async () => {
    const plain = await receiver();
    const ordered = await receiver();
    // The first POST to each fails: its message (and on the ordered endpoint the later
    // messages of its group, held back behind it) must stay in the queue for another attempt.
    plain.respond = (_d, n) => ({ status: n === 1 ? 500 : 200 });
    ordered.respond = (_d, n) => ({ status: n === 1 ? 500 : 200 });
    const hookA = await subscribe({ url: plain.url });
    const hookB = await subscribe({ url: ordered.url, ordered: true });

    const text = loadRecording('call-busy').received.toString('latin1');
    pbx.sessions[pbx.sessions.length - 1].send(text.slice(text.indexOf('Event: ExtensionStatus')));
    await waitFor(() => relay.spool.seq >= 10 && relay.spool.cursor('cloud') === relay.spool.seq, { what: 'events acked' });
    const n = relay.spool.seq;

    // Stored once each, by (site, seq), with the gap-free mark at the top.
    expect(await events.ackedSeq(ids.siteId)).toBe(n);
    const all = await stored();
    expect(all.map((e) => e.id)).toEqual(Array.from({ length: n }, (_, i) => `evt_${ids.siteId}_${i + 1}`));
    expect(all[0].type).toBe('extensionstatus');

    // The stream hands the OUTBOX# items to the outbox handler, which fans out and clears them.
    await waitFor(async () => (await cloud.stream.poll(), (await outboxLeft()) === 0), { what: 'outbox processed' });
    expect(cloud.stream.failures).toBe(0);

    // Deliveries: the standard queue's first batch keeps exactly the message that failed.
    const first = await cloud.queues.standard.poll();
    expect(first.received).toBeGreaterThan(0);
    expect(first.kept).toHaveLength(1);
    await waitFor(async () => (await cloud.queues.standard.poll(), byWebhookId(plain).size === n), { what: `${n} events at the plain endpoint` });
    const firstOrdered = await cloud.queues.fifo.poll();
    expect(firstOrdered.kept.length).toBeGreaterThan(0);
    await waitFor(async () => (await cloud.queues.fifo.poll(), byWebhookId(ordered).size === n), { what: `${n} events at the ordered endpoint` });
    // Nothing left behind, nothing sent twice but the retried one.
    expect((await cloud.queues.standard.poll()).received).toBe(0);
    expect((await cloud.queues.fifo.poll()).received).toBe(0);
    expect(plain.deliveries).toHaveLength(n + 1);
    expect(ordered.deliveries).toHaveLength(n + 1);

    for (const [r, hook] of [
      [plain, hookA],
      [ordered, hookB],
    ] as const) {
      const verifier = new StandardWebhook(hook.secret);
      const bySeq = new Map(r.deliveries.map((d) => [d.body.seq as number, d]));
      expect([...bySeq.keys()].sort((a, b) => a - b)).toEqual(all.map((e) => e.seq));
      for (const e of all) {
        const d = bySeq.get(e.seq)!;
        verifier.verify(d.raw, { 'webhook-id': String(d.headers['webhook-id']), 'webhook-timestamp': String(d.headers['webhook-timestamp']), 'webhook-signature': String(d.headers['webhook-signature']) });
        expect(d.body).toEqual({ id: e.id, type: e.type, siteId: ids.siteId, seq: e.seq, occurredAt: e.occurredAt, data: e.data });
      }
    }
    // The ordered endpoint accepted each call's events (one FIFO group per call) in seq order,
    // the failed first attempt and the retry included.
    const callOf = new Map(all.map((e) => [e.seq, e.call ?? 'site']));
    const accepted = ordered.deliveries.slice(1).map((d) => d.body.seq as number);
    for (const group of new Set(callOf.values())) {
      const seqs = accepted.filter((s) => callOf.get(s) === group);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }
    // The retried delivery is logged as delivered on its second attempt.
    const retried = plain.deliveries[0].body;
    const log = await call('GET', `/v1/tenants/${ids.tenantId}/webhooks/${hookA.id}/deliveries?limit=100`, { token: ids.apiKey });
    expect(log.body.data.find((d: { eventId: string }) => d.eventId === retried.id)).toMatchObject({ status: 'delivered', attempts: 2, responseCode: 200 });

    // The stream may hand records over again: entries already done are skipped, nothing is re-sent.
    expect(await cloud.outbox.handler({ Records: cloud.stream.history })).toEqual({ batchItemFailures: [] });
    expect((await cloud.queues.standard.poll()).received).toBe(0);
    for (const h of [hookA, hookB]) await call('DELETE', `/v1/tenants/${ids.tenantId}/webhooks/${h.id}`, { token: ids.apiKey });
  });

  it('reports a failed outbox entry (and the site\'s later ones) to the stream, and the sweep finishes what is left', async () => {
    const r = await receiver();
    const hook = await subscribe({ url: r.url });
    const before = cloud.stream.history.length;
    const base = relay.spool.seq + 1000;
    await events.storeBatch(ids.tenantId, ids.siteId, [mk(base + 1)], Date.now());
    await events.storeBatch(ids.tenantId, ids.siteId, [mk(base + 2)], Date.now());
    // Read the two new stream records without processing them.
    const records = await (async () => {
      const seen: typeof cloud.stream.history = [];
      const probe = new StreamSource(cloud.config.dynamoEndpoint!, cloud.db, cloud.tables.events, async (e) => (seen.push(...e.Records), { batchItemFailures: [] }));
      await waitFor(async () => (await probe.poll(), seen.length >= before + 2), { what: 'stream records' });
      return seen.slice(before);
    })();
    expect(records).toHaveLength(2);

    // SQS unreachable (a queue that does not exist): both entries fail, in order, and stay.
    const broken = createOutboxHandlers({ ...cloud.config, queues: { ...cloud.config.queues, standard: `${cloud.config.queues.standard}-missing` } });
    const failed = await broken.handler({ Records: records });
    expect(failed.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(records.map((x) => x.dynamodb!.SequenceNumber));
    expect(await outboxLeft()).toBe(2);

    // The scheduled sweep takes entries left behind (any age here) and clears them.
    const sweeper = createOutboxHandlers(cloud.config, { staleAfterMs: 0 });
    expect(await sweeper.sweep()).toEqual({ swept: 2, sites: 0, requeued: 0 });
    expect(await outboxLeft()).toBe(0);
    await waitFor(async () => (await cloud.queues.standard.poll(), r.deliveries.length === 2), { what: 'swept events delivered' });
    expect(r.deliveries.map((d) => d.body.seq).sort()).toEqual([base + 1, base + 2]);
    await call('DELETE', `/v1/tenants/${ids.tenantId}/webhooks/${hook.id}`, { token: ids.apiKey });
  });

  it('takes a site\'s older stored entry first when the stream hands over a later one before it', async () => {
    const r = await receiver();
    const hook = await subscribe({ url: r.url, ordered: true });
    const base = relay.spool.seq + 3000;
    // Two relay-message instances stored the site's batches; the stream hands over the later one first.
    await events.storeBatch(ids.tenantId, ids.siteId, [mk(base + 1)], Date.now());
    await events.storeBatch(ids.tenantId, ids.siteId, [mk(base + 2)], Date.now());
    const [older, later] = (await events.staleOutbox(Date.now() + 1, 0)).sort((a, b) => a.SK.localeCompare(b.SK));
    // Stream records as DynamoDB Streams writes them (the item's new image, typed attribute values).
    const record = (e: typeof older) => ({
      eventName: 'INSERT' as const,
      dynamodb: {
        SequenceNumber: e.SK,
        NewImage: { PK: { S: e.PK }, SK: { S: e.SK }, siteId: { S: e.siteId }, tenantId: { S: e.tenantId }, seqs: { L: e.seqs.map((n) => ({ N: String(n) })) }, createdAt: { N: String(e.createdAt) } },
      },
    });
    // A fresh function: the stream's may list the tenant's endpoints from a few seconds ago.
    const fresh = createOutboxHandlers(cloud.config);
    expect(await fresh.handler({ Records: [record(later)] })).toEqual({ batchItemFailures: [] });
    expect(await outboxLeft()).toBe(0);
    // The older one's own record, when it comes, finds it done: nothing is sent twice.
    expect(await fresh.handler({ Records: [record(older)] })).toEqual({ batchItemFailures: [] });
    await waitFor(async () => (await cloud.queues.fifo.poll(), r.deliveries.length === 2), { what: 'both delivered' });
    expect((await cloud.queues.fifo.poll()).received).toBe(0);
    expect(r.deliveries.map((d) => d.body.seq)).toEqual([base + 1, base + 2]);
    await call('DELETE', `/v1/tenants/${ids.tenantId}/webhooks/${hook.id}`, { token: ids.apiKey });
  });

  it('queues a delivery again when its message was lost from SQS, once it is an hour overdue (the sweep)', async () => {
    const r = await receiver();
    r.respond = (_d, n) => ({ status: n === 1 ? 500 : 200 });
    const hook = await subscribe({ url: r.url });
    await events.storeBatch(ids.tenantId, ids.siteId, [mk(relay.spool.seq + 2001)], Date.now());
    // Fanned out by a fresh function (the stream's may list the tenant's endpoints from a few seconds ago).
    expect(await createOutboxHandlers(cloud.config, { staleAfterMs: 0 }).sweep()).toMatchObject({ swept: 1, requeued: 0 });
    await waitFor(async () => (await cloud.queues.standard.poll(), r.deliveries.length === 1), { what: 'the first attempt' });
    // Its retry's message is lost (a bug, a purge, a redrive): taken from the queue and deleted.
    await waitFor(
      async () => {
        const got = await cloud.sqs.send(new ReceiveMessageCommand({ QueueUrl: cloud.config.queues.standard, MaxNumberOfMessages: 10 }));
        for (const m of got.Messages ?? []) await cloud.sqs.send(new DeleteMessageCommand({ QueueUrl: cloud.config.queues.standard, ReceiptHandle: m.ReceiptHandle! }));
        return (got.Messages ?? []).length > 0;
      },
      { what: 'the retry\'s message, to lose it' },
    );
    // The log still says retrying; SQS keeps messages, so the sweep waits an hour before taking it as lost.
    expect(await createOutboxHandlers(cloud.config).sweep()).toMatchObject({ swept: 0, requeued: 0 });
    const inTwoHours = { ...systemClock, now: () => Date.now() + 2 * 3_600_000 };
    expect(await createOutboxHandlers(cloud.config, { clock: inTwoHours }).sweep()).toMatchObject({ swept: 0, requeued: 1 });
    await waitFor(async () => (await cloud.queues.standard.poll(), r.deliveries.length === 2), { what: 'the delivery queued again' });
    expect(r.deliveries[1].headers['webhook-id']).toBe(r.deliveries[0].headers['webhook-id']);
    const log = await call('GET', `/v1/tenants/${ids.tenantId}/webhooks/${hook.id}/deliveries`, { token: ids.apiKey });
    expect(log.body.data).toEqual([expect.objectContaining({ eventId: r.deliveries[0].body.id, status: 'delivered', attempts: 2 })]);
    await call('DELETE', `/v1/tenants/${ids.tenantId}/webhooks/${hook.id}`, { token: ids.apiKey });
  });

  it('queues a resend again when its message was lost from SQS: the sweep finds its pending record', async () => {
    const r = await receiver();
    const hook = await subscribe({ url: r.url });
    await events.storeBatch(ids.tenantId, ids.siteId, [mk(relay.spool.seq + 3001)], Date.now());
    expect(await createOutboxHandlers(cloud.config, { staleAfterMs: 0 }).sweep()).toMatchObject({ swept: 1 });
    await waitFor(async () => (await cloud.queues.standard.poll(), r.deliveries.length === 1), { what: 'the first attempt' });
    const eventId = String(r.deliveries[0].body.id);
    const path = `/v1/tenants/${ids.tenantId}/webhooks/${hook.id}/deliveries`;
    await waitFor(async () => (await call('GET', path, { token: ids.apiKey })).body.data[0]?.status === 'delivered', { what: 'the first attempt recorded' });
    const resent = await call('POST', `${path}/${eventId}/resend`, { token: ids.apiKey });
    expect([resent.status, resent.body.attempt]).toEqual([202, 2]);
    // The resend's message is lost before any worker took it.
    await waitFor(
      async () => {
        const got = await cloud.sqs.send(new ReceiveMessageCommand({ QueueUrl: cloud.config.queues.standard, MaxNumberOfMessages: 10 }));
        for (const m of got.Messages ?? []) await cloud.sqs.send(new DeleteMessageCommand({ QueueUrl: cloud.config.queues.standard, ReceiptHandle: m.ReceiptHandle! }));
        return (got.Messages ?? []).length > 0;
      },
      { what: 'the resend\'s message, to lose it' },
    );
    expect((await call('GET', path, { token: ids.apiKey })).body.data).toEqual([expect.objectContaining({ eventId, status: 'pending', attempts: 1 })]);
    const inTwoHours = { ...systemClock, now: () => Date.now() + 2 * 3_600_000 };
    expect(await createOutboxHandlers(cloud.config, { clock: inTwoHours }).sweep()).toMatchObject({ requeued: 1 });
    await waitFor(async () => (await cloud.queues.standard.poll(), r.deliveries.length === 2), { what: 'the resend queued again' });
    expect(r.deliveries[1].headers['webhook-id']).toBe(r.deliveries[0].headers['webhook-id']);
    await waitFor(async () => (await call('GET', path, { token: ids.apiKey })).body.data[0]?.status === 'delivered', { what: 'the resend recorded' });
    const one = await call('GET', `${path}/${eventId}`, { token: ids.apiKey });
    expect(one.body).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(one.body.attemptLog.map((a: { attempt: number; responseCode: number }) => [a.attempt, a.responseCode])).toEqual([[1, 200], [2, 200]]);
    await call('DELETE', `/v1/tenants/${ids.tenantId}/webhooks/${hook.id}`, { token: ids.apiKey });
  });
});
