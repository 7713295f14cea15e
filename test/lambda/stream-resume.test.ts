/**
 * Resuming and live state on the AWS runtime: the stream's $connect stores a
 * resuming subscription and invokes the resume function asynchronously
 * (through a stand-in of Lambda's Invoke API, with the real LambdaClient);
 * the resume replays the stored events while the outbox (fed by the events
 * table's stream) holds them back, then switches live; `state=1` gets each
 * site's full state, then the changes the relay socket functions apply (an
 * agent link's reduced to its extension).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { callUp, startBoxWorld, type BoxWorld } from '../helpers/box-world.js';
import { api, tenantAndSite, type Api } from '../helpers/cloud-harness.js';
import { startLambdaCloud, STREAM_RESUME_FUNCTION, type LambdaCloud } from '../helpers/lambda-cloud.js';
import { openStreamClient } from '../helpers/stream-client.js';
import { waitFor } from '../helpers/wait.js';

let cloud: LambdaCloud;
let call: Api;
let ids: Awaited<ReturnType<typeof tenantAndSite>>;
let w: BoxWorld;

beforeAll(async () => {
  cloud = await startLambdaCloud({ liveStateToStream: true });
  call = api(cloud.url);
  ids = await tenantAndSite(call);
  w = await startBoxWorld({ settings: { cloud: { url: cloud.relayUrl, token: ids.relayToken } } });
  await waitFor(async () => (await call('GET', `/v1/tenants/${ids.tenantId}/sites/${ids.siteId}/live`, { token: ids.apiKey })).body?.stale === false, { what: 'the live state', timeoutMs: 20_000 });
});
afterAll(async () => {
  await w?.stop();
  await cloud?.stop();
});

const seqsOf = (es: Array<{ seq: number }>) => es.map((e) => e.seq);
/** Every seq of the site stored after `k`, from the events table. */
async function storedAfter(k: number): Promise<number[]> {
  const out: number[] = [];
  for await (const e of cloud.events.after(ids.siteId, k)) out.push(e.seq);
  return out;
}

it('a client that reconnects with after= while batches are being stored gets every later seq exactly once', async () => {
  const client = await openStreamClient(cloud.streamUrl, `siteIds=${ids.siteId}`, ids.apiKey);
  await w.sim.call('801', '802', { talkMs: 200 });
  await client.waitForEvents((es) => es.some((e) => e.data.event === 'cdr'), 'the first call', 20_000);
  await client.close();
  const seen = client.events();
  const k = Math.max(...seqsOf(seen));
  // Calls while it is away, and calls racing its return (three at once: batches stored in parallel).
  await w.sim.call('803', '804', { talkMs: 200 });
  const racing = [w.sim.call('801', '802', { talkMs: 400 }), w.sim.call('803', '804', { talkMs: 300 }), w.sim.call('805', '806', { talkMs: 500 })];
  await waitFor(async () => (await storedAfter(k)).length > 0, { what: 'events stored while away', intervalMs: 100 });
  const invokedBefore = cloud.invoke.invoked.length;
  const back = await openStreamClient(cloud.streamUrl, `siteIds=${ids.siteId}&after=evt_${ids.siteId}_${k}`, ids.apiKey);
  expect(cloud.invoke.invoked.slice(invokedBefore)).toEqual([{ functionName: STREAM_RESUME_FUNCTION, type: 'Event', payload: expect.objectContaining({ kind: 'stream-resume', tenantId: ids.tenantId }) }]);
  await Promise.all(racing);
  await w.sim.call('802', '805', { talkMs: 100 });
  const stored = await waitFor(
    async () => {
      const s = await storedAfter(k);
      return s.length > 0 && back.events().length >= s.length && s;
    },
    { what: 'the resumed stream to catch up with the store', timeoutMs: 30_000, intervalMs: 100 },
  );
  const got = seqsOf(back.events());
  // Exactly once: as many as stored, no repeat, the same seqs.
  expect(new Set(got).size).toBe(got.length);
  expect([...got].sort((a, b) => a - b)).toEqual(stored);
  // The replay starts right after k, in seq order (live batches stored in parallel may then interleave: README "Limits").
  expect(got[0]).toBe(k + 1);
  expect(got.slice(0, 5)).toEqual([...got.slice(0, 5)].sort((a, b) => a - b));
  await back.close();
});

it('an after that names no stored event is closed with after-expired, saying why, as locally', async () => {
  const c = await openStreamClient(cloud.streamUrl, `after=evt_${ids.siteId}_999999999`, ids.apiKey);
  await c.closed;
  // API Gateway cannot send close code 4410: the close message carries it.
  expect(c.messages).toEqual([{ type: 'close', code: 4410, reason: 'after-expired', message: expect.stringContaining('is not stored') }]);
});

it('state=1 gets the site\'s full state first, then a change when a call starts; a plain connection gets none', async () => {
  const board = await openStreamClient(cloud.streamUrl, `siteIds=${ids.siteId}&state=1`, ids.apiKey);
  const plain = await openStreamClient(cloud.streamUrl, `siteIds=${ids.siteId}`, ids.apiKey);
  // Events of the calls before may come first (the connection is live for them at once): the first state is the full one.
  const states = () => board.messages.filter((m) => m.type === 'state');
  await waitFor(() => states().length > 0, { what: 'the first state message', timeoutMs: 10_000 });
  const first = states()[0];
  expect(first).toMatchObject({ type: 'state', siteId: ids.siteId, online: true, full: { extensions: expect.any(Object), calls: {}, queues: expect.any(Object) } });
  expect(Object.keys(first.full.extensions)).toEqual(expect.arrayContaining(['801', '802']));

  const ended = w.sim.call('801', '802', { talkMs: Infinity });
  await waitFor(() => board.messages.some((m) => m.type === 'state' && m.changes?.some((c: { kind?: string; op?: string }) => JSON.stringify(c).includes('801'))), { what: 'a state change for the call', timeoutMs: 15_000 });
  const caller = await waitFor(() => w.sim.state.channels.find((c) => c.name.startsWith('SIP/801-')), { what: 'the call up' });
  w.sim.hangup(caller.name);
  await ended;
  await board.waitForEvents((es) => es.some((e) => e.data.event === 'cdr'), 'the cdr on the state stream', 20_000);
  await plain.waitForEvents((es) => es.some((e) => e.data.event === 'cdr'), 'the cdr on the plain stream', 20_000);
  expect(plain.messages.filter((m) => m.type === 'state')).toEqual([]);
  for (const c of [board, plain]) await c.close();
});

it('an agent link\'s state=1 stream is reduced to its extension: its own call appears, another\'s does not', async () => {
  const made = await call('POST', `/v1/tenants/${ids.tenantId}/sites/${ids.siteId}/agent-links`, { token: ids.apiKey, body: { extension: '804' } });
  expect(made.body.credential, made.text).toBeTruthy();
  const mine = await openStreamClient(cloud.streamUrl, 'state=1', made.body.credential);
  const full = await waitFor(() => mine.messages.find((m) => m.type === 'state'), { what: 'the agent\'s state', timeoutMs: 10_000 });
  expect(Object.keys(full.full.extensions)).toEqual(['804']);
  expect(Object.keys(full.full.queues)).toEqual(['630']);
  const other = await callUp(w.sim, '801', '802');
  const own = await callUp(w.sim, '806', '804');
  await waitFor(() => mine.messages.some((m) => m.changes?.some((c: { op: string }) => c.op === 'call')), { what: 'the 806-804 call on the agent\'s stream', timeoutMs: 15_000 });
  const upserted = mine.messages.flatMap((m) => m.changes ?? []).filter((c: { op: string }) => c.op === 'call');
  expect(upserted.filter((c: { call: { caller: { number: string } } }) => c.call.caller.number !== '806')).toEqual([]);
  for (const ch of [...other.channels, ...own.channels]) w.sim.hangup(ch);
  await Promise.all([other.done, own.done]);
  await mine.close();
});
