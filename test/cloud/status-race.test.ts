/**
 * The site shows the relay's AMI state as the relay last said it, whatever
 * the order its frames are handled in, on both runtimes. A hand-driven relay
 * says hello with AMI down, then AMI up: before its welcome (the frames race;
 * on AWS two Lambda instances handle them in parallel), or after it. Before
 * the fix the first order left `amiConnected: false` for good.
 * (The relay's own side — it states the change after the welcome — is
 * edge-relay/src/tunnel/supervisor.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { tunnelUrl } from '../../edge-relay/src/tunnel/connection.js';
import { PROTOCOL_VERSION } from '../../protocol/src/wire/frames.js';
import { api, tenantAndSite, type Api } from '../helpers/cloud-harness.js';
import { cloudRuntimes, type RunningCloud } from '../helpers/runtimes.js';
import { waitFor } from '../helpers/wait.js';

describe.each(cloudRuntimes)('the AMI state shown on $name', (runtime) => {
  let cloud: RunningCloud;
  let call: Api;
  const sockets: WebSocket[] = [];

  beforeAll(async () => {
    cloud = await runtime.start();
    call = api(cloud.url);
  });
  afterAll(async () => {
    for (const s of sockets) s.terminate();
    await cloud.stop();
  });

  /** A relay of a new site: says hello (AMI down), and hands back the frames it gets. */
  async function relay() {
    const ids = await tenantAndSite(call);
    const ws = new WebSocket(tunnelUrl(cloud.relayUrl), { headers: { authorization: `Bearer ${ids.relayToken}` } });
    sockets.push(ws);
    ws.on('error', () => undefined);
    const frames: Array<{ t: string }> = [];
    ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
    await new Promise((res) => ws.once('open', res));
    ws.send(JSON.stringify({ t: 'hello', v: PROTOCOL_VERSION, relay: 'raw/1', amiConnected: false, amiChange: 0, amiReason: 'not connected to Asterisk yet', lastSeq: 0 }));
    const shown = async () => (await call('GET', `/v1/tenants/${ids.tenantId}/sites/${ids.siteId}`, { token: ids.apiKey })).body.relay;
    return { ws, frames, shown };
  }

  it('AMI up before the welcome: the status sent right behind the hello wins, however the two are handled', async () => {
    for (let i = 0; i < 4; i++) {
      const r = await relay();
      r.ws.send(JSON.stringify({ t: 'status', amiConnected: true, amiChange: 1 }));
      const shown = await waitFor(async () => {
        const s = await r.shown();
        return s.connected && s.amiConnected ? s : undefined;
      }, { timeoutMs: 10_000, what: `AMI shown up (round ${i + 1})` });
      expect(shown).toMatchObject({ connected: true, amiConnected: true, version: 'raw/1' });
    }
  });

  it('AMI up after the welcome: the status is applied', async () => {
    const r = await relay();
    await waitFor(() => r.frames.some((f) => f.t === 'welcome'), { what: 'welcome' });
    await waitFor(async () => (await r.shown()).connected, { what: 'connected' });
    expect((await r.shown()).amiConnected).toBe(false);
    r.ws.send(JSON.stringify({ t: 'status', amiConnected: true, amiChange: 1 }));
    await waitFor(async () => (await r.shown()).amiConnected, { what: 'AMI shown up' });
  });
});
