/**
 * Webhook operations a tenant uses when an endpoint misbehaves, on both
 * runtimes (the local worker, and the deliveries Lambda on its queues): the
 * delivery log filtered by status, one delivery with every attempt (codes,
 * latency, the start of the answer), a resend that reaches the receiver once
 * it is back, replay jobs whose progress is readable until done, and the
 * notices about the tenant's own endpoints (webhook.disabled,
 * webhook.exhausted) at the endpoint that names them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBoxWorld, type BoxWorld } from '../helpers/box-world.js';
import type { paths } from '../../client/index.js';
import { typedApi, validatedApi } from '../helpers/api-document.js';
import { tenantAndSite, type Api } from '../helpers/cloud-harness.js';
import { cloudRuntimes, type RunningCloud } from '../helpers/runtimes.js';
import { waitFor } from '../helpers/wait.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

describe.each(cloudRuntimes)('webhook operations on $name', (runtime) => {
  let cloud: RunningCloud;
  let call: Api;
  let ids: Awaited<ReturnType<typeof tenantAndSite>>;
  let w: BoxWorld;
  let since: number;
  const receivers: WebhookReceiver[] = [];
  // Made before the first event: the Lambda fan-out knows a tenant's endpoints a few seconds late.
  const hook: Record<'failing' | 'long' | 'refusing' | 'replayed' | 'gone' | 'watcher', { id: string; r: WebhookReceiver }> = {} as never;

  beforeAll(async () => {
    // Two retries after 0 s: a failing delivery is dead-lettered at its third attempt.
    cloud = await runtime.start({ webhookRetrySchedule: [0, 0] });
    call = validatedApi(cloud.url);
    ids = await tenantAndSite(call);
    since = Date.now();
    for (const name of ['failing', 'long', 'refusing', 'replayed', 'gone'] as const) hook[name] = await endpoint(['cdr']);
    hook.watcher = await endpoint(['webhook.disabled', 'webhook.exhausted']);
    hook.gone.r.respond = () => ({ status: 410 });
    hook.failing.r.respond = (_d, n) => (n <= 3 ? { status: 503, body: '{"error":"maintenance"}' } : { status: 200, body: '{"ok":true}' });
    hook.long.r.respond = () => ({ status: 200, body: 'x'.repeat(5000) });
    w = await startBoxWorld({ settings: { cloud: { url: cloud.relayUrl, token: ids.relayToken } } });
    await waitFor(async () => (await tenant().GET('/v1/tenants/{tenantId}/sites/{siteId}', { params: { path: { tenantId: ids.tenantId, siteId: ids.siteId } } })).data?.relay.amiConnected, { what: 'relay online' });
    await w.sim.call('801', '802', { talkMs: 200 });
  });
  afterAll(async () => {
    await w.stop();
    await cloud.stop();
    for (const r of receivers) await r.close();
  });

  const hooks = (path = '') => `/v1/tenants/${ids.tenantId}/webhooks${path}`;
  // /v1 through the typed client (client/), every answer held to the API document;
  // `call` (validated, untyped) where a test sends what the types forbid.
  const tenant = () => typedApi(cloud.url, ids.apiKey);
  const one = (id: string, eventId: string) => ({ params: { path: { tenantId: ids.tenantId, id, eventId } } });
  const delivery = async (id: string, eventId: string) => {
    const r = await tenant().GET('/v1/tenants/{tenantId}/webhooks/{id}/deliveries/{eventId}', one(id, eventId));
    if (!r.data) throw new Error(`delivery ${eventId}: ${r.response.status}`);
    return r.data;
  };
  const deliveries = async (id: string, status: 'delivered' | 'failed') =>
    (await tenant().GET('/v1/tenants/{tenantId}/webhooks/{id}/deliveries', { params: { path: { tenantId: ids.tenantId, id }, query: { status } } })).data?.data;
  const resend = (id: string, eventId: string) => tenant().POST('/v1/tenants/{tenantId}/webhooks/{id}/deliveries/{eventId}/resend', one(id, eventId));
  const jobOf = (id: string, jobId: string) => tenant().GET('/v1/tenants/{tenantId}/webhooks/{id}/replays/{jobId}', { params: { path: { tenantId: ids.tenantId, id, jobId } } });
  type EventTypes = NonNullable<NonNullable<paths['/v1/tenants/{tenantId}/webhooks']['post']['requestBody']>['content']['application/json']['events']>;

  async function endpoint(events: EventTypes): Promise<{ id: string; r: WebhookReceiver }> {
    const r = await startWebhookReceiver();
    receivers.push(r);
    const res = await tenant().POST('/v1/tenants/{tenantId}/webhooks', { params: { path: { tenantId: ids.tenantId } }, body: { url: r.url, events } });
    expect(res.response.status, JSON.stringify(res.error)).toBe(201);
    if (!res.data) throw new Error('no webhook');
    return { id: res.data.id, r };
  }

  it('shows every attempt of a failed delivery, filters the log by status, and a resend reaches the receiver', async () => {
    const { id, r } = hook.failing;
    await r.waitForCount(3, 30_000);
    const eventId = String(r.deliveries[0].headers['webhook-id']);
    await waitFor(async () => (await delivery(id, eventId)).status === 'failed', { what: 'the delivery dead-lettered' });

    const failed = await delivery(id, eventId);
    expect(failed).toMatchObject({ eventId, type: 'cdr', siteId: ids.siteId, status: 'failed', attempts: 3, responseCode: 503 });
    expect(failed.attemptLog.map((a) => [a.attempt, a.responseCode, a.error, a.responseBody])).toEqual([
      [1, 503, 'HTTP 503', '{"error":"maintenance"}'],
      [2, 503, 'HTTP 503', '{"error":"maintenance"}'],
      [3, 503, 'HTTP 503', '{"error":"maintenance"}'],
    ]);
    for (const a of failed.attemptLog) expect(a.latencyMs).toBeGreaterThanOrEqual(0);
    expect((await deliveries(id, 'failed'))?.map((d) => d.eventId)).toEqual([eventId]);
    expect((await deliveries(id, 'delivered'))).toEqual([]);

    // The receiver is back: one resend, and it arrives with the same id.
    const resent = await resend(id, eventId);
    expect([resent.response.status, resent.data]).toEqual([202, { webhookId: id, eventId, status: 'pending', attempt: 4, queuedAt: expect.any(String) }]);
    await r.waitForCount(4);
    expect(r.deliveries[3].headers['webhook-id']).toBe(eventId);
    expect(r.deliveries[3].body).toEqual(r.deliveries[0].body);
    await waitFor(async () => (await delivery(id, eventId)).status === 'delivered', { what: 'the resend recorded' });
    const delivered = await delivery(id, eventId);
    expect(delivered).toMatchObject({ status: 'delivered', attempts: 4, responseCode: 200, error: null });
    expect(delivered.attemptLog.map((a) => a.responseCode)).toEqual([503, 503, 503, 200]);
    expect(delivered.attemptLog[3]).toMatchObject({ attempt: 4, error: null, responseBody: '{"ok":true}' });
    expect((await deliveries(id, 'delivered'))?.map((d) => d.eventId)).toEqual([eventId]);
    expect((await deliveries(id, 'failed'))).toEqual([]);
  });

  it('keeps only the first KB of an answer', async () => {
    const { id, r } = hook.long;
    await r.waitForCount(1);
    const eventId = String(r.deliveries[0].headers['webhook-id']);
    await waitFor(async () => (await delivery(id, eventId)).status === 'delivered', { what: 'the delivery recorded' });
    expect((await delivery(id, eventId)).attemptLog[0].responseBody).toBe('x'.repeat(1024));
  });

  it('refuses what names no delivery, a bad status, and a resend to a disabled endpoint', async () => {
    const { id, r } = hook.refusing;
    await r.waitForCount(1);
    const eventId = String(r.deliveries[0].headers['webhook-id']);
    const status = async (p: Promise<{ response: Response }>) => (await p).response.status;
    const show = (hookId: string, event: string) => tenant().GET('/v1/tenants/{tenantId}/webhooks/{id}/deliveries/{eventId}', one(hookId, event));
    expect(await status(show(id, `evt_${ids.siteId}_999999`))).toBe(404);
    expect(await status(show(id, 'not-an-event'))).toBe(404);
    expect(await status(resend(id, `evt_${ids.siteId}_999999`))).toBe(404);
    // Another endpoint of the tenant never had it.
    expect(await status(show(hook.replayed.id, `${eventId}x`))).toBe(404);
    // Statuses the types forbid (unknown, wrong case): validated, untyped.
    const bad = await call('GET', hooks(`/${id}/deliveries?status=lost`), { token: ids.apiKey });
    expect([bad.status, bad.body.code, bad.body.message]).toEqual([400, 'invalid-field', expect.stringContaining('pending, delivered, retrying, failed, skipped')]);
    expect((await call('GET', hooks(`/${id}/deliveries?status=Delivered&limit=1`), { token: ids.apiKey })).status).toBe(200);
    await tenant().PATCH('/v1/tenants/{tenantId}/webhooks/{id}', { params: { path: { tenantId: ids.tenantId, id } }, body: { enabled: false } });
    const refused = await resend(id, eventId);
    expect([refused.response.status, refused.error?.code]).toEqual([409, 'webhook-disabled']);
  });

  it('runs a replay as a job whose progress is readable until done', async () => {
    const { id, r } = hook.replayed;
    await r.waitForCount(1);
    // The one call's cdr, delivered: what the replay must send again.
    const live = r.deliveries.map((d) => d.body.id);
    const to = Date.now();
    // One step per site and UTC day of the range.
    const steps = new Date(since).toISOString().slice(0, 10) === new Date(to).toISOString().slice(0, 10) ? 1 : 2;
    const started = await tenant().POST('/v1/tenants/{tenantId}/webhooks/{id}/replay', { params: { path: { tenantId: ids.tenantId, id } }, body: { from: since, to } });
    expect(started.response.status, JSON.stringify(started.error)).toBe(202);
    expect(started.data).toMatchObject({ webhookId: id, jobId: expect.stringMatching(/^rpl_/), status: 'running', steps, stepsDone: 0, eventsQueued: 0 });
    const jobId = started.data?.jobId ?? '';
    await waitFor(async () => (await jobOf(id, jobId)).data?.status === 'done', { what: 'the replay job done' });
    const done = (await jobOf(id, jobId)).data;
    if (!done) throw new Error('no replay job');
    expect(done).toMatchObject({ status: 'done', steps, stepsDone: steps, finishedAt: expect.any(String) });
    // Every stored event of the range was read; only the endpoint's cdr queued.
    expect(done.eventsFound).toBeGreaterThan(done.eventsQueued);
    expect(done.eventsQueued).toBe(live.length);
    await r.waitForCount(2 * live.length);
    expect(r.deliveries.slice(live.length).map((d) => d.body.id)).toEqual(live);
    // Another endpoint's job id is not this one's.
    expect((await jobOf(hook.long.id, jobId)).response.status).toBe(404);
  });

  it('runs every day of a longer replay to done, however soon a step is taken after the one before', async () => {
    // Each step is queued before the one before it is counted: a consumer taking it in that gap once dropped it as a repeat, leaving the job running.
    const { id, r } = hook.replayed;
    const live = r.deliveries.filter((d) => d.body.type === 'cdr').map((d) => d.body.id);
    const had = r.deliveries.length;
    const from = since - 3 * 86_400_000;
    const to = Date.now();
    const steps = Math.floor(to / 86_400_000) - Math.floor(from / 86_400_000) + 1;
    const started = await tenant().POST('/v1/tenants/{tenantId}/webhooks/{id}/replay', { params: { path: { tenantId: ids.tenantId, id } }, body: { from, to } });
    expect(started.data).toMatchObject({ status: 'running', steps });
    const jobId = started.data?.jobId ?? '';
    const done = await waitFor(async () => ((await jobOf(id, jobId)).data?.status === 'done' ? (await jobOf(id, jobId)).data : undefined), { timeoutMs: 20_000, what: `the ${steps}-day replay done` });
    expect(done).toMatchObject({ stepsDone: steps, eventsQueued: new Set(live).size });
    await r.waitForCount(had + new Set(live).size);
  });

  it('announces a dead-lettered delivery and each disabling (410, by the tenant) to the endpoint that names them', async () => {
    const { id, r } = hook.watcher;
    const failedEvent = String(hook.failing.r.deliveries[0].headers['webhook-id']);
    const notice = (type: string, about: string) => r.deliveries.find((d) => d.body.type === type && d.body.data.webhookId === about)?.body;
    await waitFor(() => notice('webhook.exhausted', hook.failing.id) && notice('webhook.disabled', hook.gone.id) && notice('webhook.disabled', hook.refusing.id), {
      timeoutMs: 30_000,
      what: `three notices at the watcher (have ${r.deliveries.map((d) => d.body.type).join(', ')})`,
    });
    const exhausted = notice('webhook.exhausted', hook.failing.id);
    expect(exhausted).toMatchObject({ siteId: null, seq: null, occurredAt: expect.any(String) });
    expect(exhausted.data).toMatchObject({ event: 'webhook.exhausted', webhookId: hook.failing.id, url: hook.failing.r.url, eventId: failedEvent, eventType: 'cdr', siteId: ids.siteId, attempts: 3, responseCode: 503, lastError: 'HTTP 503' });
    expect(notice('webhook.disabled', hook.gone.id).data).toMatchObject({ reason: 'gone', message: 'the endpoint answered 410 Gone', url: hook.gone.r.url });
    expect(notice('webhook.disabled', hook.refusing.id).data).toMatchObject({ reason: 'user', message: 'disabled by the tenant' });
    // The endpoint the 410 disabled heard nothing more: its one cdr, no notice about itself.
    expect(hook.gone.r.deliveries.map((d) => d.body.type)).toEqual(['cdr']);
    // A notice is a delivery like any other, in the log with its attempts.
    await waitFor(async () => (await delivery(id, exhausted.id)).status === 'delivered', { what: 'the notice in the delivery log' });
    expect((await delivery(id, exhausted.id)).attemptLog).toMatchObject([{ attempt: 1, responseCode: 200 }]);
  });
});
