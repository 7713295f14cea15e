/**
 * `&state=1` on the local cloud: a stream connection gets each site's full
 * live state first, then its changes as the simulator's calls come and go;
 * a connection that did not ask gets none.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LocalCloud } from '../../cloud/src/local/server.js';
import { startBoxWorld, type BoxWorld } from '../helpers/box-world.js';
import { api, startTestCloud, tenantAndSite, type Api } from '../helpers/cloud-harness.js';
import { openStreamClient } from '../helpers/stream-client.js';
import { waitFor } from '../helpers/wait.js';

let cloud: LocalCloud;
let call: Api;
let ids: Awaited<ReturnType<typeof tenantAndSite>>;
let w: BoxWorld;

beforeAll(async () => {
  cloud = await startTestCloud();
  call = api(cloud.url);
  ids = await tenantAndSite(call);
  w = await startBoxWorld({ settings: { cloud: { url: cloud.url, token: ids.relayToken } } });
  // The relay's first snapshot is in.
  await waitFor(async () => (await call('GET', `/v1/tenants/${ids.tenantId}/sites/${ids.siteId}/live`, { token: ids.apiKey })).body?.stale === false, { what: 'the live state', timeoutMs: 20_000 });
});
afterAll(async () => {
  await w?.stop();
  await cloud?.stop();
});

it('sends the site\'s full state first, then its changes, only to connections that asked', async () => {
  const board = await openStreamClient(`${cloud.url}/v1/stream`, `siteIds=${ids.siteId}&state=1`, ids.apiKey);
  const plain = await openStreamClient(`${cloud.url}/v1/stream`, `siteIds=${ids.siteId}`, ids.apiKey);
  await waitFor(() => board.messages.length > 0, { what: 'the first message' });
  const first = board.messages[0];
  expect(first).toMatchObject({ type: 'state', siteId: ids.siteId, online: true, full: { extensions: expect.any(Object), calls: {}, queues: expect.any(Object) } });
  expect(Object.keys(first.full.extensions)).toEqual(expect.arrayContaining(['801', '802']));

  const ended = w.sim.call('801', '802', { talkMs: Infinity });
  await waitFor(() => board.messages.some((m) => m.type === 'state' && m.changes?.length > 0), { what: 'a state change for the call', timeoutMs: 10_000 });
  const caller = await waitFor(() => w.sim.state.channels.find((c) => c.name.startsWith('SIP/801-')), { what: 'the call up' });
  w.sim.hangup(caller.name);
  await ended;
  await board.waitForEvents((es) => es.some((e) => e.data.event === 'cdr'), 'the cdr on the state stream');
  await plain.waitForEvents((es) => es.some((e) => e.data.event === 'cdr'), 'the cdr on the plain stream');
  expect(board.messages.filter((m) => m.type === 'state' && m.full)).toHaveLength(1);
  expect(plain.messages.filter((m) => m.type === 'state')).toEqual([]);
  for (const c of [board, plain]) await c.close();
});
