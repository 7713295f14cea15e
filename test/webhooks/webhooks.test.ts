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
import { validatedApi } from '../helpers/api-document.js';
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
  await waitFor(async () => (await call('GET', `/v1/tenants/${ids.tenantId}/sites/${ids.siteId}`, { token: ids.apiKey })).body.relay.amiConnected);
});
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close();
});
afterAll(async () => {
  await w.stop();
  await cloud.stop();
});

const hooks = (path = '') => `/v1/tenants/${ids.tenantId}/webhooks${path}`;

async function subscribe(body: Record<string, unknown>) {
  const r = await call('POST', hooks(), { token: ids.apiKey, body });
  expect(r.status, r.text).toBe(201);
  return r.body as { id: string; secret: string; url: string; events: string[] | null; siteIds: string[] | null; ordered: boolean; status: string };
}

describe('webhook endpoints API', () => {
  it('creates, lists, shows, updates and deletes endpoints; the secret is shown once', async () => {
    const hook = await subscribe({ url: 'http://127.0.0.1:9/x', events: ['dialbegein', 'hangup'], ordered: true });
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(hook.events).toEqual(['dialbegin', 'hangup']); // the vendor's misspelling is accepted
    expect(hook).toMatchObject({ ordered: true, status: 'active', siteIds: null });
    const one = await call('GET', hooks(`/${hook.id}`), { token: ids.apiKey });
    expect(one.body.secret).toBeUndefined();
    expect((await call('GET', hooks(), { token: ids.apiKey })).body.data.map((h: { id: string }) => h.id)).toContain(hook.id);
    const patched = await call('PATCH', hooks(`/${hook.id}`), { token: ids.apiKey, body: { events: ['cdr'], siteIds: [ids.siteId] } });
    expect(patched.body).toMatchObject({ events: ['cdr'], siteIds: [ids.siteId], url: 'http://127.0.0.1:9/x' });
    const rotated = await call('POST', hooks(`/${hook.id}/rotate-secret`), { token: ids.apiKey });
    expect(rotated.body.secret).not.toBe(hook.secret);
    expect((await call('DELETE', hooks(`/${hook.id}`), { token: ids.apiKey })).status).toBe(204);
    expect((await call('GET', hooks(`/${hook.id}`), { token: ids.apiKey })).status).toBe(404);
  });

  it('refuses bad input with a clear message, and other tenants\' sites', async () => {
    const other = await tenantAndSite(call);
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
    expect((await call('GET', `/v1/tenants/${other.tenantId}/webhooks`, { token: ids.apiKey })).status).toBe(404);
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
    const log = await call('GET', hooks(`/${b.id}/deliveries`), { token: ids.apiKey });
    expect(log.body.data[0]).toMatchObject({ eventId: cdr.id, type: 'cdr', status: 'delivered', attempts: 1, responseCode: 200 });
    for (const h of [a, b]) await call('DELETE', hooks(`/${h.id}`), { token: ids.apiKey });
  });

  it('retries a failing endpoint until it recovers, keeping the webhook-id, honouring Retry-After', async () => {
    const r = await receiver();
    r.respond = (_d, n) => (n === 1 ? { status: 503, headers: { 'retry-after': '2' } } : n < 4 ? { status: 500 } : { status: 200 });
    const hook = await subscribe({ url: r.url, events: ['cdr'] });
    await w.sim.call('801', '802', { talkMs: 200 });
    await r.waitForCount(4, 20_000);
    expect(new Set(r.deliveries.map((d) => d.headers['webhook-id'])).size).toBe(1);
    expect(r.deliveries[1].at - r.deliveries[0].at).toBeGreaterThanOrEqual(1900);
    await waitFor(async () => (await call('GET', hooks(`/${hook.id}/deliveries`), { token: ids.apiKey })).body.data[0]?.status === 'delivered');
    const log = (await call('GET', hooks(`/${hook.id}/deliveries`), { token: ids.apiKey })).body.data[0];
    expect(log).toMatchObject({ status: 'delivered', attempts: 4, responseCode: 200 });
    await call('DELETE', hooks(`/${hook.id}`), { token: ids.apiKey });
  });

  it('dead-letters after the last scheduled attempt and shows the delivery as failed', async () => {
    const r = await receiver();
    r.respond = () => ({ status: 500 });
    const hook = await subscribe({ url: r.url, events: ['cdr'] });
    await w.sim.call('801', '802', { talkMs: 200 });
    await r.waitForCount(8, 30_000);
    await waitFor(async () => (await call('GET', hooks(`/${hook.id}/deliveries`), { token: ids.apiKey })).body.data[0]?.status === 'failed', { timeoutMs: 10_000 });
    const log = (await call('GET', hooks(`/${hook.id}/deliveries`), { token: ids.apiKey })).body.data[0];
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
    await call('DELETE', hooks(`/${hook.id}`), { token: ids.apiKey });
  });

  it('disables an endpoint that answers 410, and one failing for 5 days, saying why', async () => {
    const gone = await receiver();
    gone.respond = () => ({ status: 410 });
    const hook = await subscribe({ url: gone.url, events: ['cdr'] });
    await w.sim.call('801', '802', { talkMs: 200 });
    await waitFor(async () => (await call('GET', hooks(`/${hook.id}`), { token: ids.apiKey })).body.status === 'disabled');
    const shown = (await call('GET', hooks(`/${hook.id}`), { token: ids.apiKey })).body;
    expect(shown.disabledReason).toBe('the endpoint answered 410 Gone');
    // A witness subscribed like it: once the next call's cdr reaches the witness, its fan-out has run for both.
    const witness = await receiver();
    const watching = await subscribe({ url: witness.url, events: ['cdr'] });
    await w.sim.call('801', '802', { talkMs: 200 });
    await witness.waitForCount(1);
    await deliveriesSettled(cloud, w.relay);
    expect(gone.deliveries).toHaveLength(1); // nothing more goes to a disabled endpoint
    await call('DELETE', hooks(`/${watching.id}`), { token: ids.apiKey });

    const failing = await receiver();
    failing.respond = () => ({ status: 500 });
    const old = await subscribe({ url: failing.url, events: ['cdr'] });
    await cloud.webhooks.recordFailure(ids.tenantId, old.id, Date.now() - 6 * 86_400_000);
    await w.sim.call('801', '802', { talkMs: 200 });
    await waitFor(async () => (await call('GET', hooks(`/${old.id}`), { token: ids.apiKey })).body.status === 'disabled');
    expect((await call('GET', hooks(`/${old.id}`), { token: ids.apiKey })).body.disabledReason).toMatch(/failing since .* \(5 days\)/);
    // Re-enabling clears the failure state.
    const again = await call('PATCH', hooks(`/${old.id}`), { token: ids.apiKey, body: { enabled: true } });
    expect(again.body).toMatchObject({ status: 'active' });
    expect(again.body.failingSince).toBeUndefined();
    for (const h of [hook, old]) await call('DELETE', hooks(`/${h.id}`), { token: ids.apiKey });
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
    const r = await call('POST', hooks(`/${hook.id}/replay`), { token: ids.apiKey, body: { from, to: new Date().toISOString() } });
    expect(r.status).toBe(202);
    await waitFor(async () => (await call('GET', hooks(`/${hook.id}/replays/${r.body.jobId}`), { token: ids.apiKey })).body.status === 'done', { what: 'the replay job done' });
    const job = (await call('GET', hooks(`/${hook.id}/replays/${r.body.jobId}`), { token: ids.apiKey })).body;
    expect(job.eventsQueued).toBeGreaterThanOrEqual(seen.length);
    await live.waitForCount(seen.length + job.eventsQueued);
    const replayed = live.deliveries.slice(seen.length).map((d) => d.body.id).sort();
    expect(replayed).toEqual(expect.arrayContaining(seen));
    expect((await call('POST', hooks(`/${hook.id}/replay`), { token: ids.apiKey, body: { from: 'yesterday' } })).status).toBe(400);
    await call('DELETE', hooks(`/${hook.id}`), { token: ids.apiKey });
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
    await call('DELETE', hooks(`/${hook.id}`), { token: ids.apiKey });
  });

  it('test endpoint sends one signed test event and reports the answer', async () => {
    const r = await receiver();
    const hook = await subscribe({ url: r.url });
    const res = await call('POST', hooks(`/${hook.id}/test`), { token: ids.apiKey });
    expect(res.body).toMatchObject({ delivered: true, responseCode: 200, error: null });
    expect(r.deliveries[0].body).toMatchObject({ type: 'test', data: { event: 'test' } });
    new StandardWebhook(hook.secret).verify(r.deliveries[0].raw, {
      'webhook-id': String(r.deliveries[0].headers['webhook-id']),
      'webhook-timestamp': String(r.deliveries[0].headers['webhook-timestamp']),
      'webhook-signature': String(r.deliveries[0].headers['webhook-signature']),
    });
    await call('DELETE', hooks(`/${hook.id}`), { token: ids.apiKey });
  });
});
