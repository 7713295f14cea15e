/**
 * Webhooks end to end with real parts: PBX simulator → relay → tunnel →
 * local cloud → DynamoDB Local → outbox → fauxqs (SQS) → delivery worker →
 * HTTP receivers. Signatures are checked with the `standardwebhooks` library
 * (an independent implementation of the scheme).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import type { LocalCloud } from '../../cloud/src/local/server.js';
import { startBoxWorld, type BoxWorld } from '../helpers/box-world.js';
import type { paths } from '../../client/index.js';
import { typedApi, validatedApi } from '../helpers/api-document.js';
import { startTestCloud, tenantAndSite, type Api } from '../helpers/cloud-harness.js';
import { deliveriesSettled } from '../helpers/settled.js';
import { waitFor } from '../helpers/wait.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

let cloud: LocalCloud;
let call: Api;
let ids: Awaited<ReturnType<typeof tenantAndSite>>;
let w: BoxWorld;
const receivers: WebhookReceiver[] = [];

async function receiver(): Promise<WebhookReceiver> {
  const r = await startWebhookReceiver();
  receivers.push(r);
  return r;
}

beforeAll(async () => {
  // Retries after 0 s so the schedule's eight attempts fit in a test.
  cloud = await startTestCloud({ webhookRetrySchedule: [0, 0, 0, 0, 0, 0, 0] });
  call = validatedApi(cloud.url);
  ids = await tenantAndSite(call);
  w = await startBoxWorld({ settings: { cloud: { url: cloud.url, token: ids.relayToken } } });
  await waitFor(async () => (await tenant().GET('/v1/tenants/{tenantId}/sites/{siteId}', { params: { path: { tenantId: ids.tenantId, siteId: ids.siteId } } })).data?.relay.amiConnected);
});
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close();
});
afterAll(async () => {
  await w.stop();
  await cloud.stop();
});

const hooks = (path = '') => `/v1/tenants/${ids.tenantId}/webhooks${path}`;

// /v1 through the typed client (client/), every answer held to the API document;
// `call` (validated, untyped) where a test sends what the types forbid.
const tenant = () => typedApi(cloud.url, ids.apiKey);
const hookOf = (id: string) => ({ params: { path: { tenantId: ids.tenantId, id } } });
const show = async (id: string) => (await tenant().GET('/v1/tenants/{tenantId}/webhooks/{id}', hookOf(id))).data;
const remove = (id: string) => tenant().DELETE('/v1/tenants/{tenantId}/webhooks/{id}', hookOf(id));
const firstDelivery = async (id: string) => (await tenant().GET('/v1/tenants/{tenantId}/webhooks/{id}/deliveries', hookOf(id))).data?.data[0];
const defined = <T>(x: T | undefined, what: string): T => {
  if (x === undefined) throw new Error(`no ${what}`);
  return x;
};
type NewWebhook = NonNullable<paths['/v1/tenants/{tenantId}/webhooks']['post']['requestBody']>['content']['application/json'];

async function subscribe(body: NewWebhook) {
  const r = await tenant().POST('/v1/tenants/{tenantId}/webhooks', { params: { path: { tenantId: ids.tenantId } }, body });
  expect(r.response.status, JSON.stringify(r.error)).toBe(201);
  if (!r.data) throw new Error('no webhook');
  return r.data;
}

describe('webhook endpoints API', () => {
  it('creates, lists, shows, updates and deletes endpoints; the secret is shown once', async () => {
    // The vendor's misspelling is what the types forbid: validated, untyped.
    const created = await call('POST', hooks(), { token: ids.apiKey, body: { url: 'http://127.0.0.1:9/x', events: ['dialbegein', 'hangup'], ordered: true } });
    expect(created.status, created.text).toBe(201);
    const hook = created.body as Awaited<ReturnType<typeof subscribe>>;
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(hook.events).toEqual(['dialbegin', 'hangup']); // the vendor's misspelling is accepted
    expect(hook).toMatchObject({ ordered: true, status: 'active', siteIds: null });
    const one = await show(hook.id);
    expect(one).toBeDefined();
    expect((one as Record<string, unknown>).secret).toBeUndefined();
    expect((await tenant().GET('/v1/tenants/{tenantId}/webhooks', { params: { path: { tenantId: ids.tenantId } } })).data?.data.map((h) => h.id)).toContain(hook.id);
    const patched = await tenant().PATCH('/v1/tenants/{tenantId}/webhooks/{id}', { ...hookOf(hook.id), body: { events: ['cdr'], siteIds: [ids.siteId] } });
    expect(patched.data).toMatchObject({ events: ['cdr'], siteIds: [ids.siteId], url: 'http://127.0.0.1:9/x' });
    const rotated = await tenant().POST('/v1/tenants/{tenantId}/webhooks/{id}/rotate-secret', hookOf(hook.id));
    expect(rotated.data?.secret).toMatch(/^whsec_/);
    expect(rotated.data?.secret).not.toBe(hook.secret);
    expect((await remove(hook.id)).response.status).toBe(204);
    expect((await tenant().GET('/v1/tenants/{tenantId}/webhooks/{id}', hookOf(hook.id))).response.status).toBe(404);
  });

  it('refuses bad input with a clear message, and other tenants\' sites', async () => {
    const other = await tenantAndSite(call);
    // Bad bodies are what the types forbid: validated, untyped.
    const bad = async (body: unknown, message: string) => {
      const r = await call('POST', hooks(), { token: ids.apiKey, body });
      expect([r.status, r.body.message]).toEqual([400, expect.stringContaining(message)]);
    };
    await bad({}, 'url: required');
    await bad({ url: 'ftp://x.example/' }, 'http or https');
    await bad({ url: 'http://127.0.0.1:9/x', events: ['ringing'] }, 'unknown event type "ringing"');
    await bad({ url: 'http://127.0.0.1:9/x', events: [] }, 'events: a non-empty array');
    await bad({ url: 'http://127.0.0.1:9/x', siteIds: [other.siteId] }, `no site ${other.siteId}`);
    await bad({ url: 'http://127.0.0.1:9/x', ordered: 'yes' }, 'ordered: a boolean');
    expect((await tenant().GET('/v1/tenants/{tenantId}/webhooks', { params: { path: { tenantId: other.tenantId } } })).response.status).toBe(404);
  });
});

describe('delivery', () => {
  it('fans events out to every matching endpoint, signed, with a stable id', async () => {
    const all = await receiver();
    const cdrOnly = await receiver();
    const a = await subscribe({ url: all.url });
    const b = await subscribe({ url: cdrOnly.url, events: ['cdr', 'cc_cdr'] });
    await w.sim.call('801', '802', { talkMs: 300 });
    await cdrOnly.waitForCount(1);
    const callTypes = ['dialbegin', 'dialend', 'hangup', 'extensionstatus', 'cdr'];
    await waitFor(() => callTypes.every((t) => all.deliveries.some((d) => d.body.type === t)), { what: 'every event type of the call at the first endpoint' });
    await deliveriesSettled(cloud, w.relay);
    // every event of the call reached the first endpoint; only the cdr the second
    const types = all.deliveries.map((d) => d.body.type);
    expect(types).toEqual(expect.arrayContaining(callTypes));
    expect(cdrOnly.deliveries.map((d) => d.body.type)).toEqual(['cdr']);
    for (const [r, hook] of [
      [all, a],
      [cdrOnly, b],
    ] as const) {
      const verifier = new StandardWebhook(hook.secret);
      for (const d of r.deliveries) {
        const payload = verifier.verify(d.raw, { 'webhook-id': String(d.headers['webhook-id']), 'webhook-timestamp': String(d.headers['webhook-timestamp']), 'webhook-signature': String(d.headers['webhook-signature']) }) as { id: string };
        expect(payload.id).toBe(d.headers['webhook-id']);
        expect(d.body).toMatchObject({ siteId: ids.siteId, id: `evt_${ids.siteId}_${d.body.seq}` });
        expect(Object.keys(d.body)).toEqual(['id', 'type', 'siteId', 'seq', 'occurredAt', 'data']);
        expect(d.body.data.event).toBe(d.body.type);
      }
    }
    const cdr = cdrOnly.deliveries[0].body;
    expect(all.deliveries.find((d) => d.body.type === 'cdr')?.body).toEqual(cdr);
    // The delivery log says so.
    expect(await firstDelivery(b.id)).toMatchObject({ eventId: cdr.id, type: 'cdr', status: 'delivered', attempts: 1, responseCode: 200 });
    for (const h of [a, b]) await remove(h.id);
  });

  it('retries a failing endpoint until it recovers, keeping the webhook-id, honouring Retry-After', async () => {
    const r = await receiver();
    r.respond = (_d, n) => (n === 1 ? { status: 503, headers: { 'retry-after': '2' } } : n < 4 ? { status: 500 } : { status: 200 });
    const hook = await subscribe({ url: r.url, events: ['cdr'] });
    await w.sim.call('801', '802', { talkMs: 200 });
    await r.waitForCount(4, 20_000);
    expect(new Set(r.deliveries.map((d) => d.headers['webhook-id'])).size).toBe(1);
    expect(r.deliveries[1].at - r.deliveries[0].at).toBeGreaterThanOrEqual(1900);
    await waitFor(async () => (await firstDelivery(hook.id))?.status === 'delivered');
    const log = defined(await firstDelivery(hook.id), 'a delivery');
    expect(log).toMatchObject({ status: 'delivered', attempts: 4, responseCode: 200 });
    await remove(hook.id);
  });

  it('dead-letters after the last scheduled attempt and shows the delivery as failed', async () => {
    const r = await receiver();
    r.respond = () => ({ status: 500 });
    const hook = await subscribe({ url: r.url, events: ['cdr'] });
    await w.sim.call('801', '802', { talkMs: 200 });
    await r.waitForCount(8, 30_000);
    await waitFor(async () => (await firstDelivery(hook.id))?.status === 'failed', { timeoutMs: 10_000 });
    const log = defined(await firstDelivery(hook.id), 'a delivery');
    expect(log).toMatchObject({ status: 'failed', attempts: 8, responseCode: 500 });
    expect(log.error).toContain('dead-lettered');
    // Dead-lettered: in the dead-letter queue, and gone from the delivery queue, so no ninth attempt can come.
    const dlq: Awaited<ReturnType<typeof cloud.queue.receive>> = [];
    await waitFor(async () => (dlq.push(...(await cloud.queue.receive(cloud.queue.urls.standardDlq, 10, 1))), dlq.some((m) => m.body.envelope.id === log.eventId)), {
      what: 'the delivery in the dead-letter queue',
    });
    await deliveriesSettled(cloud, w.relay);
    expect(r.deliveries).toHaveLength(8);
    expect(dlq.map((m) => m.body.envelope.id)).toContain(log.eventId);
    for (const m of dlq) await cloud.queue.done(m);
    await remove(hook.id);
  });

  it('disables an endpoint that answers 410, and one failing for 5 days, saying why', async () => {
    const gone = await receiver();
    gone.respond = () => ({ status: 410 });
    const hook = await subscribe({ url: gone.url, events: ['cdr'] });
    await w.sim.call('801', '802', { talkMs: 200 });
    await waitFor(async () => (await show(hook.id))?.status === 'disabled');
    const shown = defined(await show(hook.id), 'the endpoint');
    expect(shown.disabledReason).toBe('the endpoint answered 410 Gone');
    // A witness subscribed like it: once the next call's cdr reaches the witness, its fan-out has run for both.
    const witness = await receiver();
    const watching = await subscribe({ url: witness.url, events: ['cdr'] });
    await w.sim.call('801', '802', { talkMs: 200 });
    await witness.waitForCount(1);
    await deliveriesSettled(cloud, w.relay);
    expect(gone.deliveries).toHaveLength(1); // nothing more goes to a disabled endpoint
    await remove(watching.id);

    const failing = await receiver();
    failing.respond = () => ({ status: 500 });
    const old = await subscribe({ url: failing.url, events: ['cdr'] });
    await cloud.webhooks.recordFailure(ids.tenantId, old.id, Date.now() - 6 * 86_400_000);
    await w.sim.call('801', '802', { talkMs: 200 });
    await waitFor(async () => (await show(old.id))?.status === 'disabled');
    expect((await show(old.id))?.disabledReason).toMatch(/failing since .* \(5 days\)/);
    // Re-enabling clears the failure state.
    const again = await tenant().PATCH('/v1/tenants/{tenantId}/webhooks/{id}', { ...hookOf(old.id), body: { enabled: true } });
    expect(again.data).toMatchObject({ status: 'active' });
    expect(again.data && 'failingSince' in again.data ? again.data.failingSince : undefined).toBeUndefined();
    for (const h of [hook, old]) await remove(h.id);
  });

  it('replays stored events of a time range to an endpoint', async () => {
    const from = new Date(Date.now() - 1000).toISOString();
    const live = await receiver();
    const hook = await subscribe({ url: live.url, events: ['cdr', 'hangup'] });
    await w.sim.call('801', '802', { talkMs: 200 });
    await waitFor(() => live.deliveries.filter((d) => d.body.type === 'cdr').length >= 1);
    // The call's last deliveries land before replaying.
    await deliveriesSettled(cloud, w.relay);
    const seen = live.deliveries.map((d) => d.body.id).sort();
    const replay = (body: { from: string; to?: string }) => tenant().POST('/v1/tenants/{tenantId}/webhooks/{id}/replay', { ...hookOf(hook.id), body });
    const r = await replay({ from, to: new Date().toISOString() });
    expect(r.response.status).toBe(202);
    const jobOf = async () =>
      (await tenant().GET('/v1/tenants/{tenantId}/webhooks/{id}/replays/{jobId}', { params: { path: { tenantId: ids.tenantId, id: hook.id, jobId: r.data?.jobId ?? '' } } })).data;
    await waitFor(async () => (await jobOf())?.status === 'done', { what: 'the replay job done' });
    const job = defined(await jobOf(), 'the replay job');
    expect(job.eventsQueued).toBeGreaterThanOrEqual(seen.length);
    await live.waitForCount(seen.length + job.eventsQueued);
    const replayed = live.deliveries.slice(seen.length).map((d) => d.body.id).sort();
    expect(replayed).toEqual(expect.arrayContaining(seen));
    expect((await replay({ from: 'yesterday' })).response.status).toBe(400);
    await remove(hook.id);
  });

  it('keeps one call\'s events in order for an ordered endpoint, while calls go in parallel', async () => {
    const r = await receiver();
    // A slow, uneven receiver: without ordering, later events would overtake.
    r.respond = (_d, n) => ({ status: 200, delayMs: (n * 37) % 60 });
    const hook = await subscribe({ url: r.url, ordered: true, events: ['dialbegin', 'dialend', 'hangup', 'cdr'] });
    await Promise.all([w.sim.call('801', '802', { talkMs: 300 }), w.sim.call('800', '803', { talkMs: 250, outcome: 'answer' }), w.sim.call('808', '806', { talkMs: 280, outcome: 'answer' })]);
    await waitFor(() => r.deliveries.filter((d) => d.body.type === 'cdr').length >= 3, { timeoutMs: 20_000 });
    await deliveriesSettled(cloud, w.relay);
    // Group what arrived by call (the Linkedid stored with each event) and check each call's order.
    const perCall = new Map<string, number[]>();
    const stored = await Promise.all(r.deliveries.map((d) => cloud.events.get(ids.siteId, d.body.seq)));
    stored.forEach((e) => {
      if (!e?.call) return;
      perCall.set(e.call, [...(perCall.get(e.call) ?? []), e.seq]);
    });
    expect(perCall.size).toBeGreaterThanOrEqual(3);
    for (const seqs of perCall.values()) expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    await remove(hook.id);
  });

  it('test endpoint sends one signed test event and reports the answer', async () => {
    const r = await receiver();
    const hook = await subscribe({ url: r.url });
    const res = await tenant().POST('/v1/tenants/{tenantId}/webhooks/{id}/test', hookOf(hook.id));
    expect(res.data).toMatchObject({ delivered: true, responseCode: 200, error: null });
    expect(r.deliveries[0].body).toMatchObject({ type: 'test', data: { event: 'test' } });
    new StandardWebhook(hook.secret).verify(r.deliveries[0].raw, {
      'webhook-id': String(r.deliveries[0].headers['webhook-id']),
      'webhook-timestamp': String(r.deliveries[0].headers['webhook-timestamp']),
      'webhook-signature': String(r.deliveries[0].headers['webhook-signature']),
    });
    await remove(hook.id);
  });
});
