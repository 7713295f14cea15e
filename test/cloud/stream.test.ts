/**
 * The event stream end to end on the local cloud: PBX simulator → relay →
 * tunnel → DynamoDB Local → outbox → GET /v1/stream clients over real
 * WebSockets (tickets, filters, resuming with `after`). The stalled client
 * and the Lambda runtime are in stream-stalled.test.ts and
 * test/lambda/stream.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../cloud/src/local/server.js';
import { startBoxWorld, type BoxWorld } from '../helpers/box-world.js';
import type { paths } from '../../client/index.js';
import { typedApi, validatedApi } from '../helpers/api-document.js';
import { startTestCloud, tenantAndSite, type Api } from '../helpers/cloud-harness.js';
import { openStreamClient, refusedStream, type StreamClient } from '../helpers/stream-client.js';
import { waitFor } from '../helpers/wait.js';

let cloud: LocalCloud;
let call: Api;
let ids: Awaited<ReturnType<typeof tenantAndSite>>;
let w: BoxWorld;

beforeAll(async () => {
  cloud = await startTestCloud();
  call = validatedApi(cloud.url);
  ids = await tenantAndSite(call);
  w = await startBoxWorld({ settings: { cloud: { url: cloud.url, token: ids.relayToken } } });
  const site = { params: { path: { tenantId: ids.tenantId, siteId: ids.siteId } } };
  await waitFor(async () => (await typedApi(cloud.url, ids.apiKey).GET('/v1/tenants/{tenantId}/sites/{siteId}', site)).data?.relay.amiConnected);
});
afterAll(async () => {
  await w?.stop();
  await cloud?.stop();
});

type TicketBody = NonNullable<paths['/v1/tenants/{tenantId}/stream-tickets']['post']['requestBody']>['content']['application/json'];

/** A stream ticket, through the typed client (client/), the answer held to the API document. */
async function ticket(body: TicketBody, tenantId = ids.tenantId) {
  return typedApi(cloud.url, ids.apiKey).POST('/v1/tenants/{tenantId}/stream-tickets', { params: { path: { tenantId } }, body });
}

async function ticketOf(body: TicketBody): Promise<string> {
  const r = await ticket(body);
  expect(r.response.status, JSON.stringify(r.error)).toBe(201);
  expect(r.data?.url).toBe(`/v1/stream?ticket=${r.data?.ticket}`);
  return r.data?.ticket ?? '';
}

const seqs = (c: StreamClient) => c.events().map((m) => m.seq);
const types = (c: StreamClient) => c.events().map((m) => m.data.event);

describe('tickets and refusals', () => {
  it('a ticket opens one connection; a used, unknown or missing one is refused with 401', async () => {
    const t = await ticketOf({});
    const first = await openStreamClient(`${cloud.url}/v1/stream`, `ticket=${t}`);
    const again = await refusedStream(`${cloud.url}/v1/stream`, `ticket=${t}`);
    expect([again.status, again.body.code]).toEqual([401, 'unauthorized']);
    expect(again.body.message).toContain('unknown, used or expired');
    expect((await refusedStream(`${cloud.url}/v1/stream`, `ticket=stk_${'x'.repeat(43)}`)).status).toBe(401);
    expect((await refusedStream(`${cloud.url}/v1/stream`, '')).status).toBe(401);
    expect((await refusedStream(`${cloud.url}/v1/stream`, '', `ck.${ids.tenantId}.wrong`)).status).toBe(401);
    await first.close();
  });

  it('refuses bad filters before the upgrade, naming the field', async () => {
    const other = await tenantAndSite(call);
    const bad = async (query: string, code: string, message: string) => {
      const r = await refusedStream(`${cloud.url}/v1/stream`, query, ids.apiKey);
      expect([r.status, r.body.code, r.body.message]).toEqual([400, code, expect.stringContaining(message)]);
    };
    await bad('sites=x', 'unknown-field', 'did you mean siteIds?');
    await bad(`siteIds=${other.siteId}`, 'invalid-field', `no site ${other.siteId}`);
    await bad('events=ringing', 'invalid-field', 'unknown event type "ringing"');
    await bad('extensions=80%201', 'invalid-field', 'extensions');
    await bad('after=evt_1', 'invalid-field', 'after');
    await bad(`siteIds=${ids.siteId}&after=evt_${other.siteId}_1`, 'invalid-field', 'does not follow');
    const t = await ticketOf({});
    const r = await refusedStream(`${cloud.url}/v1/stream`, `ticket=${t}&events=cdr`);
    expect([r.status, r.body.message]).toEqual([400, expect.stringContaining('a ticket carries its filter')]);
    const body = await ticket({ extensions: Array.from({ length: 101 }, (_, i) => String(i)) });
    expect([body.response.status, body.error?.message]).toEqual([400, expect.stringContaining('at most 100 extensions')]);
    const theirs = await ticket({}, other.tenantId);
    expect(theirs.response.status).toBe(404);
  });
});

describe('events', () => {
  it('streams a simulated call while it is still up, filtered by site, type and extension', async () => {
    const all = await openStreamClient(`${cloud.url}/v1/stream`, `siteIds=${ids.siteId}`, ids.apiKey);
    const agent = await openStreamClient(`${cloud.url}/v1/stream`, `ticket=${await ticketOf({ siteIds: [ids.siteId], events: ['dialbegin', 'hangup', 'cdr'], extensions: ['802'] })}`);
    const bystander = await openStreamClient(`${cloud.url}/v1/stream`, `ticket=${await ticketOf({ extensions: ['809'] })}`);
    const ended = w.sim.call('801', '802', { talkMs: Infinity });
    // The dialbegin reaches the agent's stream while the phones still talk (the bench measures how fast).
    await agent.waitForEvents((es) => es.some((e) => e.data.event === 'dialbegin'), 'the dialbegin');
    expect(all.events().some((e) => e.data.event === 'hangup')).toBe(false);
    const caller = w.sim.state.channels.find((c) => c.name.startsWith('SIP/801-'));
    expect(caller, 'the call is still up').toBeDefined();
    w.sim.hangup(caller!.name);
    await ended;
    // The whole call: its cdr and both channels' hangups.
    await all.waitForEvents((es) => es.some((e) => e.data.event === 'cdr') && es.filter((e) => e.data.event === 'hangup').length >= 2, 'the whole call');
    await agent.waitForEvents((es) => es.some((e) => e.data.event === 'cdr'), 'the cdr on the agent stream');
    const dial = agent.events().find((e) => e.data.event === 'dialbegin');
    expect(dial).toMatchObject({ type: 'event', id: `evt_${ids.siteId}_${dial.seq}`, siteId: ids.siteId, data: { calleridnum: '801', destcalleridnum: '802' } });
    expect(Object.keys(dial)).toEqual(['type', 'id', 'siteId', 'seq', 'occurredAt', 'data']);
    // Only the asked-for types, every one of them the unfiltered stream carries for 802.
    const wanted = all.events().filter((e) => ['dialbegin', 'hangup', 'cdr'].includes(e.data.event) && JSON.stringify(e.data).includes('802'));
    await agent.waitForEvents((es) => es.length === wanted.length, 'the agent\'s events');
    expect(agent.events().map((e) => e.id)).toEqual(wanted.map((e) => e.id));
    expect(new Set(types(agent))).toEqual(new Set(['dialbegin', 'hangup', 'cdr']));
    expect(types(all)).toEqual(expect.arrayContaining(['dialbegin', 'dialend', 'hangup', 'extensionstatus', 'cdr']));
    expect(bystander.events()).toEqual([]);
    for (const c of [all, agent, bystander]) await c.close();
  });
});

describe('resuming with after', () => {
  it('a client that reconnects with after= gets every event it missed, then live ones, with no gap and no duplicate', async () => {
    const reference = await openStreamClient(`${cloud.url}/v1/stream`, `siteIds=${ids.siteId}`, ids.apiKey);
    const client = await openStreamClient(`${cloud.url}/v1/stream`, `siteIds=${ids.siteId}`, ids.apiKey);
    await w.sim.call('801', '802', { talkMs: 200 });
    await client.waitForEvents((es) => es.some((e) => e.data.event === 'cdr'), 'the first call');
    await client.close();
    const seen = client.events();
    const last = seen.at(-1).id;
    // A call while it is away, and one racing its return.
    await w.sim.call('803', '804', { talkMs: 200 });
    await reference.waitForEvents((es) => es.filter((e) => e.data.event === 'cdr').length >= 2, 'the second call');
    const third = w.sim.call('805', '806', { talkMs: 300 });
    const back = await openStreamClient(`${cloud.url}/v1/stream`, `siteIds=${ids.siteId}&after=${last}`, ids.apiKey);
    await third;
    await reference.waitForEvents((es) => es.filter((e) => e.data.event === 'cdr').length >= 3, 'the third call');
    await waitFor(() => seen.length + back.events().length >= reference.events().length, { what: 'the resumed stream to catch up' });
    expect([...seen.map((e) => e.seq), ...seqs(back)]).toEqual(seqs(reference));
    expect(back.events()[0].seq).toBe(seen.at(-1).seq + 1);
    for (const c of [reference, back]) await c.close();
  });

  it('an after that names no stored event closes the connection with 4410 after-expired, saying why', async () => {
    const c = await openStreamClient(`${cloud.url}/v1/stream`, `after=evt_${ids.siteId}_999999999`, ids.apiKey);
    expect(await c.closed).toEqual({ code: 4410, reason: 'after-expired' });
    expect(c.messages).toEqual([{ type: 'close', code: 4410, reason: 'after-expired', message: expect.stringContaining('is not stored') }]);
  });
});
