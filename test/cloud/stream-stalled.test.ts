/**
 * A stream client that stops reading is cut (close code 4008, too-slow)
 * while webhooks and the other stream clients keep getting a call's events.
 * The stalled client is a raw TCP socket that completes the WebSocket
 * handshake and then never reads again, so the cloud's writes pile up in
 * the kernel and then in the connection's buffer.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LocalCloud } from '../../cloud/src/local/server.js';
import type { StoredEvent } from '../../cloud/src/store/events.js';
import { eventId } from '../../cloud/src/store/events.js';
import type { BoxEvent } from '../../protocol/src/events/box-events.js';
import { startBoxWorld, type BoxWorld } from '../helpers/box-world.js';
import { api, startTestCloud, tenantAndSite, type Api } from '../helpers/cloud-harness.js';
import { openStreamClient } from '../helpers/stream-client.js';
import { waitFor } from '../helpers/wait.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

let cloud: LocalCloud;
let call: Api;
let ids: Awaited<ReturnType<typeof tenantAndSite>>;
let w: BoxWorld;
let hooks: WebhookReceiver;

beforeAll(async () => {
  cloud = await startTestCloud({ streamLimits: { maxBufferedBytes: 256 * 1024 } });
  call = api(cloud.url);
  ids = await tenantAndSite(call);
  w = await startBoxWorld({ settings: { cloud: { url: cloud.url, token: ids.relayToken } } });
  hooks = await startWebhookReceiver();
  await waitFor(async () => (await call('GET', `/v1/tenants/${ids.tenantId}/sites/${ids.siteId}`, { token: ids.apiKey })).body.relay.amiConnected);
});
afterAll(async () => {
  await hooks?.close();
  await w?.stop();
  await cloud?.stop();
});

/** Opens the stream over a raw socket, then stops reading. */
async function stalledClient(): Promise<{ socket: Socket; ended: Promise<void> }> {
  const { port } = new URL(cloud.url);
  const socket = connect(Number(port), '127.0.0.1');
  const key = randomBytes(16).toString('base64');
  socket.write(`GET /v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer ${ids.apiKey}\r\n\r\n`);
  await new Promise<void>((resolve, reject) => {
    socket.once('data', (chunk) => (chunk.toString().startsWith('HTTP/1.1 101') ? resolve() : reject(new Error(chunk.toString()))));
  });
  socket.pause();
  const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  return { socket, ended };
}

it('cuts a client that stops reading, without delaying webhooks or the other clients', async () => {
  const other = await call('POST', `/v1/tenants/${ids.tenantId}/sites`, { token: ids.apiKey, body: { name: 'Branch' } });
  await call('POST', `/v1/tenants/${ids.tenantId}/webhooks`, { token: ids.apiKey, body: { url: hooks.url, events: ['cdr'], siteIds: [ids.siteId] } });
  const healthy = await openStreamClient(`${cloud.url}/v1/stream`, `siteIds=${ids.siteId}`, ids.apiKey);
  const stalled = await stalledClient();
  await waitFor(() => cloud.stream.connections === 2, { what: 'both streams registered' });

  // A busy second site: far more than the stalled client's socket and buffer hold.
  const padding = 'x'.repeat(2000);
  const flood = (from: number): StoredEvent[] =>
    Array.from({ length: 500 }, (_, i) => {
      const seq = from + i;
      const data = { event: 'extensionstatus', timestamp: '1765069200.000000', exten: '900', status: '0', statustext: padding, mac: '' } as BoxEvent;
      return { id: eventId(other.body.id, seq), siteId: other.body.id, tenantId: ids.tenantId, seq, type: 'extensionstatus', occurredAt: new Date().toISOString(), data };
    });
  const call1 = w.sim.call('801', '802', { talkMs: 300 });
  for (let n = 0; n < 40 && cloud.stream.connections === 2; n++) {
    cloud.stream.publish(flood(1 + n * 500));
    await new Promise((r) => setImmediate(r));
  }
  await waitFor(() => cloud.stream.connections === 1, { what: 'the stalled stream cut' });
  await call1;
  // The call's events reach the healthy client and the webhook all the same.
  await healthy.waitForEvents((es) => es.some((e) => e.data.event === 'cdr'), 'the cdr on the healthy stream');
  await hooks.waitForCount(1);
  expect(hooks.deliveries[0].body).toMatchObject({ type: 'cdr', siteId: ids.siteId });
  expect(healthy.events().every((e) => e.siteId === ids.siteId)).toBe(true);
  // The stalled client, reading again, finds its connection closed.
  stalled.socket.resume();
  await stalled.ended;
  await healthy.close();
});
