/**
 * Webhook deliveries survive a crash of the local cloud on its embedded
 * default: the cloud runs as its own process (bin/coocenter-cloud.js, its
 * data in DATA_DIR on disk, DynamoDB Local and fauxqs embedded; fauxqs keeps
 * its queues in memory only), and is killed with SIGKILL while deliveries
 * wait: 80 for their retry after a failed attempt, 20 in flight (the
 * receiver holds those requests open), and at an ordered endpoint a FIFO
 * group held behind its failed first delivery. After the restart every
 * delivery arrives (at least once, a repeat with the same webhook-id), the
 * ordered endpoint's in seq order, and the delivery log shows each as
 * delivered: none left retrying past its time.
 */
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../cloud/src/local/free-port.js';
import type { CoocenterClient } from '../../client/index.js';
import { typedApi, validatedApi } from '../helpers/api-document.js';
import { ADMIN_TOKEN, tenantAndSite } from '../helpers/cloud-harness.js';
import { runProgram, stopPrograms, type Program } from '../helpers/program.js';
import { extensionStatus, relayOnQuietPbx } from '../helpers/quiet-pbx.js';
import { tempDir } from '../helpers/relay-harness.js';
import { waitFor } from '../helpers/wait.js';
import { startWebhookReceiver, type Delivery, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const programs: Program[] = [];
const receivers: WebhookReceiver[] = [];
afterAll(async () => {
  await stopPrograms(programs);
  for (const r of receivers) await r.close();
});

const EVENTS = 100;
/** Events 0..79 fail their first attempt at the plain endpoint (retry asked in 15 s); 80..99 are held open. */
const FAILING = 80;

/** The cloud on its embedded default, as `coocenter-cloud` runs with only DATA_DIR given. */
async function startCloud(env: Record<string, string>): Promise<Program> {
  const p = runProgram('coocenter-cloud.js', [], { ...env, DYNAMODB_ENDPOINT: undefined, SQS_ENDPOINT: undefined, USE_AWS: undefined });
  programs.push(p);
  await waitFor(() => p.lines.some((l) => l.msg === 'local cloud listening'), { timeoutMs: 90_000, what: `the cloud to listen:\n${p.output()}` });
  return p;
}

/** A port that refuses connections (its server has exited). */
async function portClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(false)));
    s.once('error', () => resolve(true));
  });
}

/** An endpoint's delivery log, through the typed client (client/), the answer held to the API document. */
async function deliveryLog(tenant: CoocenterClient, tenantId: string, webhookId: string) {
  const r = await tenant.GET('/v1/tenants/{tenantId}/webhooks/{id}/deliveries', { params: { path: { tenantId, id: webhookId }, query: { limit: EVENTS } } });
  expect(r.response.status, JSON.stringify(r.error)).toBe(200);
  if (!r.data) throw new Error('no delivery log');
  return r.data.data;
}

const exten = (d: Delivery) => Number(d.body.data.exten) - 50000;
const delivered = (r: WebhookReceiver) => r.deliveries.filter((d) => d.answered === 200);

describe('a local cloud killed with webhook deliveries waiting', () => {
  it('delivers every one of them after its restart, at least once, with the same webhook-ids', { timeout: 240_000 }, async () => {
    const port = await freePort();
    const env = { PORT: String(port), HOST: '127.0.0.1', ADMIN_TOKEN, DATA_DIR: tempDir('cloud-crash-'), ALLOW_PRIVATE_WEBHOOKS: '1', LOG_LEVEL: 'info' };
    const first = await startCloud(env);
    const call = validatedApi(`http://127.0.0.1:${port}`);
    const ids = await tenantAndSite(call);
    const tenant = typedApi(`http://127.0.0.1:${port}`, ids.apiKey);

    let crashed = false;
    const plain = await startWebhookReceiver();
    const ordered = await startWebhookReceiver();
    receivers.push(plain, ordered);
    // Before the crash the receivers fail (asking for a retry in 15 s) or hold the request open; after it, they take everything.
    plain.respond = (d) => (crashed ? { status: 200 } : exten(d) < FAILING ? { status: 503, headers: { 'retry-after': '15' } } : { status: 200, delayMs: 60_000 });
    ordered.respond = () => (crashed ? { status: 200 } : { status: 503, headers: { 'retry-after': '15' } });
    const subscribe = async (body: { url: string; ordered?: boolean }) => {
      const r = await tenant.POST('/v1/tenants/{tenantId}/webhooks', { params: { path: { tenantId: ids.tenantId } }, body: { events: ['extensionstatus'], ...body } });
      expect(r.response.status, JSON.stringify(r.error)).toBe(201);
      if (!r.data) throw new Error('no webhook');
      return r.data.id;
    };
    const plainId = await subscribe({ url: plain.url });
    const orderedId = await subscribe({ url: ordered.url, ordered: true });

    const site = await relayOnQuietPbx(`http://127.0.0.1:${port}`, ids.relayToken);
    for (let i = 0; i < EVENTS; i++) site.say(extensionStatus(50000 + i));
    await waitFor(() => site.acked() === EVENTS, { timeoutMs: 60_000, what: 'every event acked by the cloud' });
    await site.stop();

    // Every delivery is waiting: 80 failed and retrying, 20 in flight; the ordered group behind its first.
    await waitFor(() => plain.deliveries.length === EVENTS && ordered.deliveries.length === 1, { timeoutMs: 60_000, what: 'every first attempt made' });
    await waitFor(async () => (await deliveryLog(tenant, ids.tenantId, plainId)).filter((d) => d.status === 'retrying').length === FAILING, {
      timeoutMs: 30_000,
      what: `${FAILING} deliveries recorded as retrying`,
    });
    await waitFor(async () => (await deliveryLog(tenant, ids.tenantId, orderedId)).filter((d) => d.status === 'retrying').length === 1, { what: 'the ordered group\'s first recorded as retrying' });
    const firstIds = new Map(plain.deliveries.map((d) => [exten(d), String(d.headers['webhook-id'])]));
    const dynamoPort = Number(first.lines.find((l) => l.msg === 'dynamodb local started')?.port);
    expect(dynamoPort).toBeGreaterThan(0);

    first.child.kill('SIGKILL');
    await first.exited;
    crashed = true;
    // The embedded DynamoDB Local exits when its parent is gone; the next one opens the same files.
    await waitFor(() => portClosed(dynamoPort), { timeoutMs: 30_000, what: 'the old DynamoDB Local to exit' });
    await startCloud(env);

    await waitFor(() => new Set(delivered(plain).map(exten)).size === EVENTS, { timeoutMs: 120_000, what: `every delivery at the plain endpoint after the restart (have ${new Set(delivered(plain).map(exten)).size})` });
    await waitFor(() => new Set(delivered(ordered).map(exten)).size === EVENTS, { timeoutMs: 60_000, what: `every delivery at the ordered endpoint (have ${delivered(ordered).length})` });

    // At least once, each with the webhook-id of its first attempt.
    for (const d of delivered(plain)) expect(String(d.headers['webhook-id'])).toBe(firstIds.get(exten(d)));
    expect(new Set(delivered(plain).map((d) => d.headers['webhook-id'])).size).toBe(EVENTS);
    // The ordered endpoint took them in the order the PBX said them, each once.
    expect(delivered(ordered).map(exten)).toEqual(Array.from({ length: EVENTS }, (_, i) => i));
    expect(String(delivered(ordered)[0].headers['webhook-id'])).toBe(String(ordered.deliveries[0].headers['webhook-id']));

    // The log: every delivery delivered, in one record each; the retried ones on their second attempt.
    await waitFor(async () => (await deliveryLog(tenant, ids.tenantId, plainId)).every((d) => d.status === 'delivered'), { what: 'the plain endpoint\'s log all delivered' });
    await waitFor(async () => (await deliveryLog(tenant, ids.tenantId, orderedId)).every((d) => d.status === 'delivered'), { what: 'the ordered endpoint\'s log all delivered' });
    const log = await deliveryLog(tenant, ids.tenantId, plainId);
    expect(log).toHaveLength(EVENTS);
    expect(new Set(log.map((d) => d.eventId)).size).toBe(EVENTS);
    const attemptsOf = new Map(log.map((d) => [d.eventId, d.attempts]));
    for (const [n, id] of firstIds) expect(attemptsOf.get(id), `event ${n}`).toBe(n < FAILING ? 2 : 1);
    expect(await deliveryLog(tenant, ids.tenantId, orderedId)).toHaveLength(EVENTS);
  });
});
