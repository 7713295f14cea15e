/**
 * The screen-pop URL on both runtimes (README "The agent toolbar"): the
 * relay's pop_url and wrap-up length, said in its hello, shown as the site's
 * relay.popUrl and relay.wrapupSeconds (a hello without them, as from a relay
 * that predates them, shows null); the tenant's own popUrl per site, set,
 * refused when it is not a usable template, and removed again with null.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { tunnelUrl } from '../../edge-relay/src/tunnel/connection.js';
import { typedApi, validatedApi } from '../helpers/api-document.js';
import { tenantAndSite, type Api } from '../helpers/cloud-harness.js';
import { cloudRuntimes, type RunningCloud } from '../helpers/runtimes.js';
import { waitFor } from '../helpers/wait.js';

describe.each(cloudRuntimes)('the screen-pop URL on $name', (runtime) => {
  let cloud: RunningCloud;
  let call: Api;

  beforeAll(async () => {
    cloud = await runtime.start();
    call = validatedApi(cloud.url);
  });
  afterAll(async () => cloud.stop());

  const as = (token: string) => typedApi(cloud.url, token);
  const siteOf = (t: { tenantId: string }, siteId: string) => ({ params: { path: { tenantId: t.tenantId, siteId } } });

  /** A relay that says `hello` (the fields given) and stays connected until closed. */
  async function relayWith(token: string, hello: Record<string, unknown>): Promise<WebSocket> {
    const ws = new WebSocket(tunnelUrl(cloud.relayUrl), { headers: { authorization: `Bearer ${token}` } });
    await new Promise((res, rej) => (ws.once('open', res), ws.once('error', rej)));
    ws.send(JSON.stringify({ t: 'hello', v: 1, relay: 'test/1', amiConnected: true, lastSeq: 0, ...hello }));
    return ws;
  }
  const closeAndWait = async (ws: WebSocket) => {
    const closed = new Promise((res) => ws.once('close', res));
    ws.close();
    await closed;
  };

  it("shows the relay's pop_url and wrap-up length as it said them, and null from a relay that says none", async () => {
    const t = await tenantAndSite(call);
    const site = () => as(t.apiKey).GET('/v1/tenants/{tenantId}/sites/{siteId}', siteOf(t, t.siteId));
    const template = 'http://crm.example.com/pop?caller={caller}&queue={queue}';
    const first = await relayWith(t.relayToken, { popUrl: template, wrapupSeconds: 30 });
    const seen = await waitFor(async () => ((await site()).data?.relay.popUrl === template ? (await site()).data : undefined), { what: 'relay.popUrl' });
    expect(seen?.relay).toMatchObject({ connected: true, popUrl: template, wrapupSeconds: 30 });
    expect(seen?.popUrl).toBeNull();
    // Kept while the relay is away: it is the site's configuration, not the connection's.
    await closeAndWait(first);
    await waitFor(async () => (await site()).data?.relay.connected === false, { what: 'relay offline' });
    expect((await site()).data?.relay.popUrl).toBe(template);

    // A relay before pop_url was sent (no field): each hello states the settings afresh.
    const older = await relayWith(t.relayToken, {});
    await waitFor(async () => (await site()).data?.relay.connected === true, { what: 'relay online again' });
    expect((await site()).data?.relay).toMatchObject({ popUrl: null, wrapupSeconds: null });
    await closeAndWait(older);

    // A pop_url the toolbar could not open is not shown as if it worked.
    const odd = await relayWith(t.relayToken, { popUrl: 'javascript:alert({caller})', wrapupSeconds: 45 });
    await waitFor(async () => (await site()).data?.relay.wrapupSeconds === 45, { what: 'the third hello' });
    expect((await site()).data?.relay.popUrl).toBeNull();
    await closeAndWait(odd);
  });

  it("sets the site's own popUrl, refuses an unusable one, and goes back to the relay's with null", async () => {
    const t = await tenantAndSite(call);
    const patch = (popUrl: string | null) => as(t.apiKey).PATCH('/v1/tenants/{tenantId}/sites/{siteId}', { ...siteOf(t, t.siteId), body: { popUrl } });
    const mine = 'https://crm.example.com/calls/new?from={caller}&to={called}&id={uniqueid}&q={queue}';
    const set = await patch(mine);
    expect(set.response.status, JSON.stringify(set.error)).toBe(200);
    expect(set.data?.popUrl).toBe(mine);
    const list = await as(t.apiKey).GET('/v1/tenants/{tenantId}/sites', { params: { path: { tenantId: t.tenantId } } });
    expect(list.data?.data[0].popUrl).toBe(mine);

    for (const [bad, says] of [
      ['javascript:alert(1)', /http or https/],
      ['ftp://files.example.com/{caller}', /http or https/],
      ['https://crm.example.com/?c={callerid}', /unknown placeholder \{callerid\}/],
      [`https://crm.example.com/?${'x'.repeat(2048)}`, /2048/],
    ] as const) {
      const r = await patch(bad);
      expect([r.response.status, r.error?.code], bad.slice(0, 40)).toEqual([400, 'invalid-field']);
      expect(r.error?.message).toMatch(says);
    }
    // Refused changes nothing.
    expect((await as(t.apiKey).GET('/v1/tenants/{tenantId}/sites/{siteId}', siteOf(t, t.siteId))).data?.popUrl).toBe(mine);
    const cleared = await patch(null);
    expect(cleared.response.status).toBe(200);
    expect(cleared.data?.popUrl).toBeNull();
    // Only the fields sent change.
    const renamed = await as(t.apiKey).PATCH('/v1/tenants/{tenantId}/sites/{siteId}', { ...siteOf(t, t.siteId), body: { name: 'Front desk' } });
    expect(renamed.data).toMatchObject({ name: 'Front desk', popUrl: null });
  });
});
