/**
 * The event history of a call, on both runtimes: a relay on the PBX
 * simulator sends a queue call and another call up; the call's events come
 * back from GET …/calls/{callId}/events through the typed client (answers
 * held to the API document) exactly as the relay spooled them for that call
 * (its own record of what it sent: ids, seq order, the box's bodies), and
 * none of the other call's. Another tenant gets a 404, and so does a call id
 * of the wrong shape, before anything is read; a key needs scope read or
 * calls.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpoolRecord } from '../../edge-relay/src/events/spool.js';
import { typedApi } from '../helpers/api-document.js';
import { startBoxWorld, type BoxWorld } from '../helpers/box-world.js';
import { api, tenantAndSite } from '../helpers/cloud-harness.js';
import { cloudRuntimes, type RunningCloud } from '../helpers/runtimes.js';
import { waitFor } from '../helpers/wait.js';

const PATH = '/v1/tenants/{tenantId}/sites/{siteId}/calls/{callId}/events';

describe.each(cloudRuntimes)('the event history of a call on $name', (runtime) => {
  let cloud: RunningCloud;
  let box: BoxWorld;
  let a: Awaited<ReturnType<typeof tenantAndSite>>;
  let b: Awaited<ReturnType<typeof tenantAndSite>>;
  const spooled: SpoolRecord[] = [];
  let queueCall = '';
  let otherCall = '';

  beforeAll(async () => {
    cloud = await runtime.start();
    const call = api(cloud.url);
    [a, b] = [await tenantAndSite(call), await tenantAndSite(call)];
    box = await startBoxWorld({ settings: { cloud: { url: cloud.relayUrl, token: a.relayToken } } });
    box.relay.spool.on('appended', (records) => spooled.push(...records));
    await box.sim.queueCall('801', '630', { talkMs: 1000 });
    await box.sim.call('802', '806', { talkMs: 500 });
    const ofType = (type: string) => spooled.filter((r) => r.event.event === type && r.call);
    // The queue call's cc_cdr, and the cdr records of both calls, are the last of their events.
    await waitFor(() => ofType('cc_cdr').length > 0 && new Set(ofType('cdr').map((r) => r.call)).size >= 2, { timeoutMs: 30_000, what: 'both calls\' records' });
    queueCall = ofType('cc_cdr')[0].call!;
    otherCall = ofType('cdr').find((r) => r.call !== queueCall)!.call!;
    const last = Math.max(...spooled.map((r) => r.seq));
    await waitFor(() => box.relay.spool.cursor('cloud') >= last, { timeoutMs: 30_000, what: 'the cloud to ack the calls\' events' });
  }, 90_000);
  afterAll(async () => {
    await box?.stop();
    await cloud?.stop();
  });

  const expected = (callId: string) =>
    spooled
      .filter((r) => r.call === callId)
      .sort((x, y) => x.seq - y.seq)
      .map((r) => ({ id: `evt_${a.siteId}_${r.seq}`, type: r.event.event, siteId: a.siteId, seq: r.seq, data: r.event, ...(r.recovered ? { recovered: true } : {}), ...(r.partial ? { partial: true } : {}) }));

  it('answers every event of the call, in seq order, as the relay sent them, and only that call\'s', async () => {
    const asA = typedApi(cloud.url, a.apiKey);
    const path = (callId: string) => ({ params: { path: { tenantId: a.tenantId, siteId: a.siteId, callId } } });
    for (const [callId, types] of [
      [queueCall, ['dialbegin', 'dialend', 'hangup', 'cdr', 'cc_cdr']],
      [otherCall, ['dialbegin', 'dialend', 'hangup', 'cdr']],
    ] as const) {
      let want = expected(callId);
      // The index is read as DynamoDB keeps it (eventually consistent): the answer is awaited, not assumed.
      const got = await waitFor(
        async () => {
          const r = await asA.GET(PATH, path(callId));
          want = expected(callId);
          return r.response.status === 200 && r.data!.data.length === want.length ? r.data! : undefined;
        },
        { timeoutMs: 15_000, what: `the events of call ${callId}` },
      );
      for (const type of types) expect(want.map((e) => e.type), `${callId} ${type}`).toContain(type);
      expect(got.data.map(({ occurredAt, ...e }) => (expect(occurredAt).toMatch(/^\d{4}-\d\d-\d\dT/), e))).toEqual(want);
      expect(got).toMatchObject({ siteId: a.siteId, call: callId, truncated: false, retentionDays: 30 });
      expect(Date.parse(got.expiredBefore)).toBeLessThan(Date.now() - 29 * 86_400_000);
    }
    expect(queueCall).not.toBe(otherCall);
    // A call the site never had: no events, not an error.
    const none = await asA.GET(PATH, path('1700000000.999'));
    expect(none.data).toMatchObject({ data: [], truncated: false });
  });

  it('answers 404 to another tenant and to a call id of the wrong shape', async () => {
    const status = async (token: string, tenantId: string, callId = queueCall) =>
      (await typedApi(cloud.url, token).GET(PATH, { params: { path: { tenantId, siteId: a.siteId, callId } } })).response.status;
    expect(await status(b.apiKey, a.tenantId)).toBe(404);
    // B's own tenant, A's site.
    expect(await status(b.apiKey, b.tenantId)).toBe(404);
    for (const bad of ['x'.repeat(151), '.1700000000.1', 'a b', 'a#b']) expect(await status(a.apiKey, a.tenantId, bad), bad).toBe(404);
    expect(await status(a.apiKey, a.tenantId)).toBe(200);
  });

  it('is granted by the read and calls scopes, not by webhooks alone', async () => {
    const keyWith = async (scopes: string[]) =>
      (await api(cloud.url)('POST', `/v1/tenants/${a.tenantId}/api-keys`, { token: a.apiKey, body: { name: scopes.join('+'), scopes } })).body.key as string;
    const status = async (token: string) => (await typedApi(cloud.url, token).GET(PATH, { params: { path: { tenantId: a.tenantId, siteId: a.siteId, callId: queueCall } } })).response.status;
    expect(await status(await keyWith(['read']))).toBe(200);
    expect(await status(await keyWith(['calls']))).toBe(200);
    expect(await status(await keyWith(['webhooks']))).toBe(403);
  });
});
