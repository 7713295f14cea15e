/**
 * An agent link against a real relay and the PBX simulator (local cloud):
 * its live state and its stream (`&state=1`) show its extension, the calls
 * it is in and its queue with the callers waiting there, never another
 * extension's call; its pause reaches the PBX.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LocalCloud } from '../../cloud/src/local/server.js';
import { typedApi, validatedApi } from '../helpers/api-document.js';
import { callUp, startBoxWorld, type BoxWorld } from '../helpers/box-world.js';
import { startTestCloud, tenantAndSite, type Api } from '../helpers/cloud-harness.js';
import { openStreamClient, refusedStream } from '../helpers/stream-client.js';
import { waitFor } from '../helpers/wait.js';

let cloud: LocalCloud;
let call: Api;
let ids: Awaited<ReturnType<typeof tenantAndSite>>;
let w: BoxWorld;
let agent: string;

beforeAll(async () => {
  cloud = await startTestCloud();
  call = validatedApi(cloud.url);
  ids = await tenantAndSite(call);
  w = await startBoxWorld({ settings: { cloud: { url: cloud.url, token: ids.relayToken } } });
  await waitFor(async () => (await call('GET', `/v1/tenants/${ids.tenantId}/sites/${ids.siteId}/live`, { token: ids.apiKey })).body?.stale === false, { what: 'the live state', timeoutMs: 20_000 });
  const made = await typedApi(cloud.url, ids.apiKey).POST('/v1/tenants/{tenantId}/sites/{siteId}/agent-links', { params: { path: { tenantId: ids.tenantId, siteId: ids.siteId } }, body: { extension: '804' } });
  agent = made.data!.credential;
});
afterAll(async () => {
  await w?.stop();
  await cloud?.stop();
});

const live = async () => (await typedApi(cloud.url, agent).GET('/v1/tenants/{tenantId}/sites/{siteId}/live', { params: { path: { tenantId: ids.tenantId, siteId: ids.siteId } } })).data!;
const involves804 = (c: any) => JSON.stringify(c).includes('804');

it('sees its extension, its queue with its own membership, and only the calls it is in; its pause reaches the PBX', async () => {
  const board = await openStreamClient(`${cloud.url}/v1/stream`, `siteIds=${ids.siteId}&state=1`, ids.apiKey);
  const ticket = await typedApi(cloud.url, agent).POST('/v1/tenants/{tenantId}/stream-tickets', { params: { path: { tenantId: ids.tenantId } }, body: {} });
  const mine = await openStreamClient(`${cloud.url}/v1/stream`, `ticket=${ticket.data!.ticket}&state=1`);
  await waitFor(() => mine.messages.length > 0 && board.messages.length > 0, { what: 'the first state messages' });
  // The whole site for the admin's board; for the agent, its extension and queue 630 (804 is a member of it, of no other).
  expect(Object.keys(board.messages[0].full.extensions).length).toBeGreaterThan(3);
  expect(mine.messages[0]).toMatchObject({ type: 'state', siteId: ids.siteId, online: true, full: { calls: {} } });
  expect(Object.keys(mine.messages[0].full.extensions)).toEqual(['804']);
  expect(Object.keys(mine.messages[0].full.queues)).toEqual(['630']);
  expect(Object.keys(mine.messages[0].full.queues['630'].members)).toEqual(['sip/804']);
  const first = await live();
  expect([Object.keys(first.extensions), Object.keys(first.queues), first.stale]).toEqual([['804'], ['630'], false]);

  // A call between two others: on the admin's board, not on the agent's stream nor in its live state.
  const other = await callUp(w.sim, '801', '802');
  await waitFor(() => board.messages.some((m) => m.type === 'state' && m.changes?.some((c: any) => c.op === 'call')), { what: 'the 801-802 call on the board' });
  // Then one of 806 to 804: the agent's.
  const own = await callUp(w.sim, '806', '804');
  await waitFor(() => mine.messages.some((m) => m.changes?.some((c: any) => c.op === 'call')), { what: 'the 806-804 call on the agent\'s stream' });
  const calls = Object.values((await live()).calls);
  expect(calls.length).toBe(1);
  expect(calls.map((c) => c.caller.number)).toEqual(['806']);
  const upserted = mine.messages.flatMap((m) => m.changes ?? []).filter((c: any) => c.op === 'call');
  expect(upserted.length).toBeGreaterThan(0);
  expect(upserted.filter((c: any) => c.call.caller.number !== '806')).toEqual([]);
  // Its events too: only those naming 804.
  await mine.waitForEvents((es) => es.some((e) => e.data.event === 'dialbegin'), 'the dialbegin to 804');
  expect(mine.events().every((e) => involves804(e.data))).toBe(true);
  for (const ch of [...other.channels, ...own.channels]) w.sim.hangup(ch);
  await Promise.all([other.done, own.done]);

  // Pause 804 in queue 630 with its own credential: the PBX's member is paused, and the agent's state shows it.
  const pause = await call('POST', `/sites/${ids.siteId}/coocenter-api/queues/agent-pause`, { token: agent, form: { queue: '630', member: '804', state: 'on' } });
  expect(pause.status, pause.text).toBe(200);
  expect(w.sim.state.queues.find((q) => q.name === '630')?.members.find((m) => m.interface.toLowerCase() === 'sip/804')?.paused).toBe(true);
  await waitFor(async () => (await live()).queues['630']?.members['sip/804']?.paused === true, { what: 'the pause in the agent\'s live state' });
  for (const c of [board, mine]) await c.close();
});

it('opens a header-authenticated stream for its own extension only: another is refused, not narrowed', async () => {
  const refused = await refusedStream(`${cloud.url}/v1/stream`, 'extensions=801', agent);
  expect([refused.status, refused.body.code, refused.body.message]).toEqual([403, 'insufficient-scope', `an agent link acts only for extension 804 of site ${ids.siteId}: not extension 801`]);
  const own = await openStreamClient(`${cloud.url}/v1/stream`, 'state=1', agent);
  await waitFor(() => own.messages.length > 0, { what: 'the agent\'s state' });
  expect(Object.keys(own.messages[0].full.extensions)).toEqual(['804']);
  await own.close();
});
