/**
 * Connection changes on the AWS runtime, through the API Gateway stand-in:
 * the relay's own age limit (110 minutes in production, under API Gateway's
 * 2-hour cut) makes it switch connections make-before-break while commands
 * and events keep flowing, and a second relay with the same token takes the
 * site over. Shortened ages; nothing may be lost or doubled.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { EventStore } from '../../cloud/src/store/events.js';
import type { Relay } from '../../edge-relay/src/relay.js';
import { api, tenantAndSite, type Api } from '../helpers/cloud-harness.js';
import { frame, startFakeAmi, type FakeAmi } from '../helpers/fake-ami.js';
import { startLambdaCloud, type LambdaCloud } from '../helpers/lambda-cloud.js';
import { expectedConf, setConf, startTestRelay } from '../helpers/relay-harness.js';
import { waitFor } from '../helpers/wait.js';

let cloud: LambdaCloud | undefined;
let relay: Relay | undefined;
let pbx: FakeAmi | undefined;
let intruder: WebSocket | undefined;

afterEach(async () => {
  intruder?.terminate();
  await relay?.stop();
  await pbx?.close();
  await cloud?.stop();
  relay = pbx = cloud = intruder = undefined;
});

async function world(relayMaxAgeMs?: number, apiGatewayMaxAgeMs = 10_000) {
  // API Gateway's hard cut, shortened (by default long after the relay's own switches).
  cloud = await startLambdaCloud({ maxAgeMs: apiGatewayMaxAgeMs });
  const call = api(cloud.url);
  const ids = await tenantAndSite(call);
  pbx = await startFakeAmi((a, s) => {
    const id = a.get('ActionID')!;
    const name = a.get('Action')!;
    if (name === 'CoreShowChannels' || name === 'QueueStatus' || name === 'ExtensionStateList') {
      s.send(frame([['Response', 'Success'], ['ActionID', id], ['EventList', 'start']]) + frame([['Event', `${name}Complete`], ['ActionID', id], ['EventList', 'Complete'], ['ListItems', '0']]));
    } else s.reply(a, [['Response', 'Success']]);
  });
  let conf = expectedConf('api.conf');
  conf = setConf(conf, 'general', { BINDPORT: 0, BINDADDR: '127.0.0.1', URL: '' });
  conf = setConf(conf, 'ami', { port: pbx.port });
  conf = setConf(conf, 'cloud', { url: cloud.relayUrl, token: ids.relayToken });
  relay = await startTestRelay(conf, { tunnelMaxAgeMs: relayMaxAgeMs });
  await online(call, ids);
  return { call, ids };
}

async function online(call: Api, ids: { tenantId: string; siteId: string; apiKey: string }) {
  await waitFor(async () => (await call('GET', `/v1/tenants/${ids.tenantId}/sites/${ids.siteId}`, { token: ids.apiKey })).body.relay.amiConnected, { what: 'relay online' });
}

const extensionStatus = (n: number) =>
  frame([['Event', 'ExtensionStatus'], ['Privilege', 'call,all'], ['Exten', String(20000 + n)], ['Context', 'from-internal'], ['Hint', 'SIP/x'], ['Status', '0'], ['StatusText', 'Idle']]);

describe('connection changes behind API Gateway', () => {
  it('switches connections before the 2-hour cut without losing a command or an event', async () => {
    const { call, ids } = await world(1_000);
    const welcomes: string[] = [];
    relay!.tunnel!.on('welcome', (w) => welcomes.push(w.siteId));
    const session = pbx!.sessions[pbx!.sessions.length - 1];

    // Events (50/s, a busy site; DynamoDB Local on two cores takes no more while other
    // test files run) and commands flow the whole time, across three switches.
    let sent = 0;
    const pump = setInterval(() => {
      session.send(extensionStatus(sent++));
    }, 20);
    const statuses: Array<number | string> = [];
    let switching = true;
    const worker = async () => {
      while (switching) {
        const r = await call('POST', `/sites/${ids.siteId}/coocenter-api/extensions/current-calls`, { token: ids.apiKey });
        statuses.push(r.status === 200 ? 200 : `${r.status} ${r.text}`);
      }
    };
    const workers = [worker(), worker()];
    await waitFor(() => welcomes.length >= 3, { timeoutMs: 15_000, what: 'three connection switches' });
    switching = false;
    clearInterval(pump);
    await Promise.all(workers);

    expect(statuses.length).toBeGreaterThan(10);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    // The relay switched each time on its own: API Gateway never had to cut a connection at its age.
    expect(cloud!.ws.closed.filter((c) => c.code === 1001)).toEqual([]);
    await waitFor(() => cloud!.ws.connectionIds().length === 1, { timeoutMs: 10_000, what: 'old connections closed' });

    // Every event the relay numbered is stored, once, and acked.
    const spool = relay!.spool;
    await waitFor(() => spool.seq >= sent && spool.cursor('cloud') === spool.seq, { timeoutMs: 10_000, what: 'every event acked' });
    const events = new EventStore(cloud!.db, cloud!.tables.events, cloud!.tables.main);
    expect(await events.ackedSeq(ids.siteId)).toBe(spool.seq);
    const stored = await events.getMany(
      ids.siteId,
      Array.from({ length: spool.seq }, (_, i) => i + 1),
    );
    const extens = stored.filter((e) => e.type === 'extensionstatus').map((e) => Number((e.data as unknown as { exten: string }).exten) - 20000);
    expect(extens.sort((a, b) => a - b)).toEqual(Array.from({ length: sent }, (_, i) => i));
  });

  it('recovers when API Gateway cuts a connection at its age (a relay that did not switch in time): no event lost', async () => {
    // The relay keeps its default 110 minutes; API Gateway cuts after 1.5 s here.
    const { ids } = await world(undefined, 1_500);
    const welcomes: string[] = [];
    relay!.tunnel!.on('welcome', (w) => welcomes.push(w.siteId));
    const session = pbx!.sessions[pbx!.sessions.length - 1];
    let sent = 0;
    const pump = setInterval(() => session.send(extensionStatus(sent++)), 20);
    await waitFor(() => cloud!.ws.closed.some((c) => c.code === 1001), { what: 'a connection cut at its age' });
    await waitFor(() => welcomes.length >= 1, { what: 'the relay back on a new connection' });
    clearInterval(pump);
    const spool = relay!.spool;
    await waitFor(() => spool.seq >= sent && spool.cursor('cloud') === spool.seq, { timeoutMs: 10_000, what: 'every event acked' });
    const events = new EventStore(cloud!.db, cloud!.tables.events, cloud!.tables.main);
    expect(await events.ackedSeq(ids.siteId)).toBe(spool.seq);
    const stored = await events.getMany(ids.siteId, Array.from({ length: spool.seq }, (_, i) => i + 1));
    expect(stored.map((e) => Number((e.data as unknown as { exten: string }).exten) - 20000).sort((a, b) => a - b)).toEqual(Array.from({ length: sent }, (_, i) => i));
  });

  it('lets a second relay with the same token take over; the first is closed and takes the site back', async () => {
    const { call, ids } = await world();
    const siteUrl = `/v1/tenants/${ids.tenantId}/sites/${ids.siteId}`;
    intruder = new WebSocket(cloud!.relayUrl, { headers: { authorization: `Bearer ${ids.relayToken}` } });
    intruder.on('error', () => undefined);
    await new Promise((res) => intruder!.once('open', res));
    const closed = new Promise<number>((res) => intruder!.once('close', (code) => res(code)));
    intruder.send(JSON.stringify({ t: 'hello', v: 1, relay: 'intruder/1', amiConnected: false, lastSeq: 0 }));
    await waitFor(async () => (await call('GET', siteUrl, { token: ids.apiKey })).body.relay.version === 'intruder/1', { what: 'intruder active' });
    // The replaced relay's connection is closed by the cloud; it dials again and takes the site back.
    expect(await closed).toBe(1000);
    const status = (await call('GET', siteUrl, { token: ids.apiKey })).body.relay;
    expect(status.version).toMatch(/^coocenter-relay\//);
    expect((await call('POST', `/sites/${ids.siteId}/coocenter-api/extensions/current-calls`, { token: ids.apiKey })).status).toBe(200);
  });
});
