/**
 * The tunnel end to end on loopback: a real local cloud, a real relay, a real
 * WebSocket, an AMI server over TCP. Checks the plumbing (auth, status,
 * commands, events, offline/timeout, takeover); the full 16-endpoint
 * comparison against the LAN API runs on the PBX simulator (test/e2e).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../cloud/src/local/server.js';
import type { Relay } from '../../edge-relay/src/relay.js';
import { webkeyToken, calendarDate } from '../../protocol/src/box-api/webkey.js';
import { api, startTestCloud, tenantAndSite, type Api } from '../helpers/cloud-harness.js';
import { frame, startFakeAmi, type FakeAmi } from '../helpers/fake-ami.js';
import { loadRecording } from '../helpers/recordings.js';
import { expectedConf, setConf, startTestRelay, tempDir } from '../helpers/relay-harness.js';
import { waitFor } from '../helpers/wait.js';

let cloud: LocalCloud | undefined;
let relay: Relay | undefined;
let pbx: FakeAmi | undefined;

afterEach(async () => {
  await relay?.stop();
  await pbx?.close();
  await cloud?.stop();
  relay = pbx = cloud = undefined;
});

/** Answers CoreShowChannels with the two channels of the recorded active call. */
function channelsAnswer(id: string): string {
  const text = loadRecording('action-coreshowchannels-active-call').received.toString('latin1');
  const frames = text.split('\r\n\r\n').filter((f) => f.includes('action-coreshowchannels-active-call-3'));
  return frames.map((f) => f.replaceAll('action-coreshowchannels-active-call-3', id) + '\r\n\r\n').join('');
}

async function setup(opts: { silent?: boolean; webkey?: string } = {}) {
  cloud = await startTestCloud();
  const call = api(cloud.url);
  const ids = await tenantAndSite(call, { webkey: opts.webkey });
  pbx = await startFakeAmi((a, s) => {
    if (opts.silent) return;
    const name = a.get('Action');
    if (name === 'CoreShowChannels') s.send(channelsAnswer(a.get('ActionID')!));
    else if (name === 'QueueStatus' || name === 'ExtensionStateList')
      s.send(frame([['Response', 'Success'], ['ActionID', a.get('ActionID')!], ['EventList', 'start']]) + frame([['Event', `${name}Complete`], ['ActionID', a.get('ActionID')!], ['EventList', 'Complete'], ['ListItems', '0']]));
    else s.reply(a, [['Response', 'Success']]);
  });
  const dataDir = tempDir();
  let conf = expectedConf('api.conf');
  conf = setConf(conf, 'general', { BINDPORT: 0, BINDADDR: '127.0.0.1', URL: '' });
  conf = setConf(conf, 'ami', { port: pbx.port, timeout_ms: 500 });
  conf = setConf(conf, 'cloud', { url: cloud.url, token: ids.relayToken });
  relay = await startTestRelay(conf, { dataDir });
  return { call, ids, conf, dataDir };
}

async function connected(call: Api, ids: { tenantId: string; siteId: string; apiKey: string }) {
  return waitFor(async () => {
    const r = await call('GET', `/v1/tenants/${ids.tenantId}/sites/${ids.siteId}`, { token: ids.apiKey });
    return r.body.relay.connected && r.body.relay.amiConnected ? r.body.relay : undefined;
  }, { what: 'relay connected' });
}

describe('the tunnel', () => {
  it('serves a site command through the relay, byte for byte as the LAN API', async () => {
    const { call, ids } = await setup();
    const relayStatus = await connected(call, ids);
    expect(relayStatus.version).toMatch(/^coocenter-relay\//);
    expect(Date.parse(relayStatus.since)).toBeGreaterThan(0);
    const viaCloud = await call('POST', `/sites/${ids.siteId}/coocenter-api/extensions/current-calls`, { token: ids.apiKey });
    const lan = await fetch(`http://127.0.0.1:${relay!.lan.port}/coocenter-api/extensions/current-calls`, { method: 'POST' });
    expect(viaCloud.status).toBe(200);
    expect(viaCloud.text).toBe(await lan.text());
    expect(viaCloud.body.data.map((c: { channel: string }) => c.channel)).toEqual(['SIP/802-00000026', 'SIP/801-00000025']);
  });

  it("accepts the box's md5 WEBKEY header for the site, refuses yesterday's and other tenants' keys", async () => {
    const { call, ids } = await setup({ webkey: 'asjdfjklkasdf' });
    await connected(call, ids);
    const path = `/sites/${ids.siteId}/coocenter-api/extensions/current-calls`;
    const today = webkeyToken('asjdfjklkasdf', calendarDate(Date.now(), 'UTC'));
    const yesterday = webkeyToken('asjdfjklkasdf', calendarDate(Date.now() - 86_400_000, 'UTC'));
    expect((await call('POST', path, { headers: { authorization: today } })).status).toBe(200);
    expect((await call('POST', path, { headers: { authorization: yesterday } })).status).toBe(401);
    expect((await call('POST', path)).status).toBe(401);
    const other = await tenantAndSite(call);
    expect((await call('POST', path, { token: other.apiKey })).status).toBe(404);
    expect((await call('POST', `/sites/${other.siteId}/coocenter-api/extensions/current-calls`, { token: ids.apiKey })).status).toBe(404);
  });

  it('answers 503 while the relay is away and recovers when it returns', async () => {
    const { call, ids, conf, dataDir } = await setup();
    await connected(call, ids);
    await relay!.stop();
    relay = undefined;
    await waitFor(async () => !(await call('GET', `/v1/tenants/${ids.tenantId}/sites/${ids.siteId}`, { token: ids.apiKey })).body.relay.connected);
    const offline = await call('POST', `/sites/${ids.siteId}/coocenter-api/extensions/current-calls`, { token: ids.apiKey });
    expect(offline.status).toBe(503);
    expect(offline.body).toEqual({ status: 'error', message: 'site relay is offline' });
    relay = await startTestRelay(conf, { dataDir });
    await connected(call, ids);
    expect((await call('POST', `/sites/${ids.siteId}/coocenter-api/extensions/current-calls`, { token: ids.apiKey })).status).toBe(200);
  });

  it('passes the relay\'s 504 through when the PBX does not answer', async () => {
    const { call, ids } = await setup({ silent: true });
    await connected(call, ids);
    const r = await call('POST', `/sites/${ids.siteId}/coocenter-api/extensions/current-calls`, { token: ids.apiKey });
    expect(r.status).toBe(504);
    expect(r.body.status).toBe('error');
  });

  it('stores the relay\'s events in DynamoDB, once each', async () => {
    const { call, ids } = await setup();
    await connected(call, ids);
    const text = loadRecording('call-busy').received.toString('latin1');
    pbx!.sessions[pbx!.sessions.length - 1].send(text.slice(text.indexOf('Event: ExtensionStatus')));
    await waitFor(() => relay!.spool.seq >= 10 && relay!.spool.cursor('cloud') === relay!.spool.seq, { what: 'events acked' });
    const n = relay!.spool.seq;
    expect(await cloud!.events.ackedSeq(ids.siteId)).toBe(n);
    for (let seq = 1; seq <= n; seq++) {
      const e = await cloud!.events.get(ids.siteId, seq);
      expect(e?.id).toBe(`evt_${ids.siteId}_${seq}`);
    }
    expect((await cloud!.events.get(ids.siteId, 1))?.type).toBe('extensionstatus');
  });
});
