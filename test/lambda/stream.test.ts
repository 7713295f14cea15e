/**
 * The event stream on the AWS runtime: the stream's own WebSocket API
 * (stand-in) with the real $connect/$disconnect handlers keeping
 * subscriptions in DynamoDB, and the outbox handler (fed by the events
 * table's stream) posting to them through the management API. A simulated
 * call's events reach the stream clients while it is up, filtered; a
 * connection API Gateway no longer knows loses its subscription.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SubscriptionStore } from '../../cloud/src/stream/subscriptions.js';
import { systemClock } from '../../protocol/src/clock.js';
import { startBoxWorld, type BoxWorld } from '../helpers/box-world.js';
import { api, tenantAndSite, type Api } from '../helpers/cloud-harness.js';
import { startLambdaCloud, type LambdaCloud } from '../helpers/lambda-cloud.js';
import { openStreamClient, refusedStream } from '../helpers/stream-client.js';
import { waitFor } from '../helpers/wait.js';

let cloud: LambdaCloud;
let call: Api;
let ids: Awaited<ReturnType<typeof tenantAndSite>>;
let w: BoxWorld;
let subscriptions: SubscriptionStore;

beforeAll(async () => {
  cloud = await startLambdaCloud();
  call = api(cloud.url);
  ids = await tenantAndSite(call);
  subscriptions = new SubscriptionStore(cloud.db, cloud.tables.main, systemClock);
  w = await startBoxWorld({ settings: { cloud: { url: cloud.relayUrl, token: ids.relayToken } } });
  await waitFor(async () => (await call('GET', `/v1/tenants/${ids.tenantId}/sites/${ids.siteId}`, { token: ids.apiKey })).body.relay.amiConnected, { what: 'relay online', timeoutMs: 20_000 });
});
afterAll(async () => {
  await w?.stop();
  await cloud?.stop();
});

it('streams a simulated call while it is up, filtered, and forgets connections API Gateway no longer knows', async () => {
  const t = await call('POST', `/v1/tenants/${ids.tenantId}/stream-tickets`, { token: ids.apiKey, body: { events: ['dialbegin', 'hangup'], extensions: ['802'] } });
  expect(t.status, t.text).toBe(201);
  // The ticket says where the stream is: on AWS its own API, an absolute URL (STREAM_URL), opened exactly as given.
  expect(t.body.url).toMatch(/^wss?:\/\/[^/]+\/[^?]+\?ticket=stk_/);
  const [where, query] = (t.body.url as string).split('?');
  const agent = await openStreamClient(where, query);
  const all = await openStreamClient(cloud.streamUrl, `siteIds=${ids.siteId}`, ids.apiKey);
  const again = await refusedStream(cloud.streamUrl, `ticket=${t.body.ticket}`);
  expect(again.status).toBe(401);
  expect((await subscriptions.forTenant(ids.tenantId)).length).toBe(2);

  const ended = w.sim.call('801', '802', { talkMs: Infinity });
  await agent.waitForEvents((es) => es.some((e) => e.data.event === 'dialbegin'), 'the dialbegin', 20_000);
  expect(all.events().some((e) => e.data.event === 'hangup')).toBe(false);
  const caller = w.sim.state.channels.find((c) => c.name.startsWith('SIP/801-'));
  expect(caller, 'the call is still up').toBeDefined();
  w.sim.hangup(caller!.name);
  await ended;
  // The whole call: its cdr and both channels' hangups.
  await all.waitForEvents((es) => es.some((e) => e.data.event === 'cdr') && es.filter((e) => e.data.event === 'hangup').length >= 2, 'the whole call', 20_000);
  const wanted = all.events().filter((e) => ['dialbegin', 'hangup'].includes(e.data.event) && JSON.stringify(e.data).includes('802'));
  await agent.waitForEvents((es) => es.length >= wanted.length, 'the agent\'s events', 20_000);
  // On AWS a site's batches may be stored, and so fanned out, out of seq order (README "Limits"): compare as sets.
  const idsOf = (es: Array<{ id: string }>) => es.map((e) => e.id).sort();
  expect(idsOf(agent.events())).toEqual(idsOf(wanted));
  expect(Object.keys(agent.events()[0])).toEqual(['type', 'id', 'siteId', 'seq', 'occurredAt', 'data']);

  // The agent's connection vanishes without $disconnect: the next post meets GoneException.
  const [agentId] = cloud.streamApi.connectionIds(); // the first opened
  cloud.streamApi.dropSilently(agentId);
  await w.sim.call('803', '802', { talkMs: 200 });
  await waitFor(async () => (await subscriptions.forTenant(ids.tenantId)).length === 1, { what: 'the gone subscription removed', timeoutMs: 20_000 });
  await all.close();
  await waitFor(async () => (await subscriptions.forTenant(ids.tenantId)).length === 0, { what: '$disconnect removes the subscription' });
});
