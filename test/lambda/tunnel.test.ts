/**
 * The tunnel on the AWS runtime, end to end on loopback: a real relay dials
 * the API Gateway WebSocket stand-in, whose routes run the real Lambda
 * handlers (spread over two instances, frames of one connection in
 * parallel); API calls go through the HTTP API stand-in to the HTTP handler,
 * which reaches the relay with the real ApiGatewayManagementApiClient.
 */
import { GetConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RelayStore } from '../../cloud/src/store/relays.js';
import { managementClient } from '../../cloud/src/aws-clients.js';
import type { Relay } from '../../edge-relay/src/relay.js';
import { PROTOCOL_VERSION } from '../../protocol/src/wire/frames.js';
import { api, rawGet, tenantAndSite, type Api } from '../helpers/cloud-harness.js';
import { monitorWithRecording, startBusyPbx } from '../helpers/busy-pbx.js';
import type { FakeAmi } from '../helpers/fake-ami.js';
import { startLambdaCloud, type LambdaCloud } from '../helpers/lambda-cloud.js';
import { expectedConf, setConf, startTestRelay, tempDir } from '../helpers/relay-harness.js';
import { waitFor } from '../helpers/wait.js';

/** One cloud for the tests that need no special settings (each makes its own tenant and site). */
let shared: LambdaCloud;
/** A cloud of a test's own. */
let own: LambdaCloud | undefined;
let relays: Relay[] = [];
let pbx: FakeAmi | undefined;
const sockets: WebSocket[] = [];
/** Sockets the test opens, closed after it whatever state they are in. */
function track(ws: WebSocket): WebSocket {
  ws.on('error', () => undefined);
  sockets.push(ws);
  return ws;
}

beforeAll(async () => {
  shared = await startLambdaCloud();
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  for (const r of relays.splice(0)) await r.stop();
  await pbx?.close();
  await own?.stop();
  pbx = own = undefined;
});
afterAll(() => shared.stop());

async function world(opts: { channels?: number; monitorDir?: string } = {}) {
  const call = api(shared.url);
  const ids = await tenantAndSite(call);
  pbx = await startBusyPbx(opts.channels ?? 2);
  let conf = expectedConf('api.conf');
  conf = setConf(conf, 'general', { BINDPORT: 0, BINDADDR: '127.0.0.1', URL: '' });
  conf = setConf(conf, 'ami', { port: pbx.port, timeout_ms: 1000 });
  conf = setConf(conf, 'cloud', { url: shared.relayUrl, token: ids.relayToken });
  if (opts.monitorDir) conf = setConf(conf, 'pbx', { monitor_dir: opts.monitorDir });
  return { call, ids, conf };
}

async function online(call: Api, ids: { tenantId: string; siteId: string; apiKey: string }) {
  return waitFor(
    async () => {
      const r = await call('GET', `/v1/tenants/${ids.tenantId}/sites/${ids.siteId}`, { token: ids.apiKey });
      return r.body.relay.connected && r.body.relay.amiConnected ? r.body.relay : undefined;
    },
    { what: 'relay online' },
  );
}

const currentCalls = (call: Api, ids: { siteId: string; apiKey: string }) => call('POST', `/sites/${ids.siteId}/coocenter-api/extensions/current-calls`, { token: ids.apiKey });

/** A hand-driven relay: says hello, then does whatever the test does. */
async function rawRelay(url: string, token: string, hello: Record<string, unknown> = {}) {
  const ws = track(new WebSocket(url, { headers: { authorization: `Bearer ${token}` } }));
  const frames: Array<Record<string, any>> = [];
  ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
  await new Promise((res, rej) => {
    ws.once('open', res);
    ws.once('error', rej);
  });
  ws.send(JSON.stringify({ t: 'hello', v: PROTOCOL_VERSION, relay: 'raw/1', amiConnected: true, lastSeq: 0, ...hello }));
  return { ws, frames };
}

describe('the tunnel through API Gateway (Lambda handlers)', () => {
  it('serves a command byte for byte as the LAN API, and refuses a wrong relay token with 401', async () => {
    const { call, ids, conf } = await world();
    relays.push(await startTestRelay(conf));
    const status = await online(call, ids);
    expect(status.version).toMatch(/^coocenter-relay\//);
    const viaCloud = await currentCalls(call, ids);
    const lan = await fetch(`http://127.0.0.1:${relays[0].lan.port}/coocenter-api/extensions/current-calls`, { method: 'POST' });
    expect(viaCloud.status).toBe(200);
    expect(viaCloud.text).toBe(await lan.text());
    // Every frame the cloud posted fit API Gateway's limit (the stand-in refuses bigger ones).
    expect(shared.ws.posted.map((p) => p.frame.t)).toEqual(expect.arrayContaining(['welcome', 'command']));

    const bad = track(new WebSocket(shared.relayUrl, { headers: { authorization: 'Bearer rt.site_x.notavalidtokennotavalidtoken' } }));
    expect(await new Promise<number>((res) => bad.once('unexpected-response', (_q, r) => res(r.statusCode ?? 0)))).toBe(401);
    const byQuery = track(new WebSocket(`${shared.relayUrl}?token=${encodeURIComponent(ids.relayToken)}`));
    await new Promise((res) => byQuery.once('open', res));
  });

  it('answers 503 when the relay is gone: after $disconnect, and after a GoneException when $disconnect never came', async () => {
    const { call, ids, conf } = await world();
    const dataDir = tempDir();
    relays.push(await startTestRelay(conf, { dataDir }));
    await online(call, ids);
    await relays.pop()!.stop();
    await waitFor(async () => !(await call('GET', `/v1/tenants/${ids.tenantId}/sites/${ids.siteId}`, { token: ids.apiKey })).body.relay.connected, { what: 'relay offline' });
    const offline = await currentCalls(call, ids);
    expect([offline.status, offline.body]).toEqual([503, { status: 'error', message: 'site relay is offline' }]);

    // API Gateway loses a connection without telling us: the RELAY item still names it.
    relays.push(await startTestRelay(conf, { dataDir }));
    await online(call, ids);
    expect((await currentCalls(call, ids)).status).toBe(200);
    const { connectionId } = (await new RelayStore(shared.db, shared.tables.main).get(ids.siteId))!;
    // The real management client sees it as API Gateway would show it.
    const seen = await managementClient(shared.config.relayManagementEndpoint!).send(new GetConnectionCommand({ ConnectionId: connectionId }));
    expect(seen.ConnectedAt).toBeInstanceOf(Date);
    expect(seen.Identity?.SourceIp).toBe('127.0.0.1');
    relays[0].tunnel!.stop(); // the relay must not redial for this check
    shared.ws.dropSilently(connectionId);
    expect((await call('GET', `/v1/tenants/${ids.tenantId}/sites/${ids.siteId}`, { token: ids.apiKey })).body.relay.connected).toBe(true);
    const gone = await currentCalls(call, ids);
    expect([gone.status, gone.body]).toEqual([503, { status: 'error', message: 'site relay is offline' }]);
    // ...and the site is now shown offline.
    expect((await call('GET', `/v1/tenants/${ids.tenantId}/sites/${ids.siteId}`, { token: ids.apiKey })).body.relay.connected).toBe(false);
  });

  it('closes the relay\'s connection when its token is rotated, saying why; the old token is refused', async () => {
    const call = api(shared.url);
    const ids = await tenantAndSite(call);
    const relay = await rawRelay(shared.relayUrl, ids.relayToken);
    await waitFor(async () => (await call('GET', `/v1/tenants/${ids.tenantId}/sites/${ids.siteId}`, { token: ids.apiKey })).body.relay.connected, { what: 'relay online' });
    const closed = new Promise((res) => relay.ws.once('close', res));
    expect((await call('POST', `/v1/tenants/${ids.tenantId}/sites/${ids.siteId}/relay-token`, { token: ids.apiKey })).status).toBe(200);
    await closed;
    expect(relay.frames.at(-1)).toEqual({ t: 'error', code: 'token-revoked', message: 'relay token rotated', fatal: true });
    expect((await call('GET', `/v1/tenants/${ids.tenantId}/sites/${ids.siteId}`, { token: ids.apiKey })).body.relay.connected).toBe(false);
    const again = track(new WebSocket(shared.relayUrl, { headers: { authorization: `Bearer ${ids.relayToken}` } }));
    expect(await new Promise<number>((res) => again.once('unexpected-response', (_q, r) => res(r.statusCode ?? 0)))).toBe(401);
  });

  it('answers 504 when the relay does not answer before the deadline, and drops the late reply', async () => {
    // Long enough for the answered command to make it on a loaded machine (the polling of the command item is the slow part).
    own = await startLambdaCloud({ commandTimeoutMs: 2000 });
    const call = api(own.url);
    const ids = await tenantAndSite(call);
    const relay = await rawRelay(own.relayUrl, ids.relayToken);
    await waitFor(() => relay.frames.some((f) => f.t === 'welcome'), { what: 'welcome' });
    await waitFor(async () => (await call('GET', `/v1/tenants/${ids.tenantId}/sites/${ids.siteId}`, { token: ids.apiKey })).body.relay.connected);
    const r = await currentCalls(call, ids);
    expect([r.status, r.body]).toEqual([504, { status: 'error', message: expect.stringMatching(/^site relay did not answer within [\d.]+ s$/) }]);
    const command = relay.frames.find((f) => f.t === 'command')!;
    expect(command.cmd).toEqual({ name: 'currentCalls' });
    // Answering now changes nothing, and the next command is answered normally.
    relay.ws.send(JSON.stringify({ t: 'reply', id: command.id, ok: true, result: [] }));
    relay.ws.on('message', (d) => {
      const f = JSON.parse(d.toString());
      if (f.t === 'command') relay.ws.send(JSON.stringify({ t: 'reply', id: f.id, ok: true, result: [] }));
    });
    const ok = await currentCalls(call, ids);
    expect([ok.status, ok.text]).toEqual([200, '{"status":"success","message":"Channels will follow","data":[]}']);
  });

  it('refuses another protocol version with a fatal error naming it, then closes', async () => {
    const call = api(shared.url);
    const ids = await tenantAndSite(call);
    const relay = await rawRelay(shared.relayUrl, ids.relayToken, { v: 99, relay: 'future/9' });
    await new Promise((res) => relay.ws.once('close', res));
    expect(relay.frames).toEqual([{ t: 'error', code: 'version-mismatch', message: expect.stringContaining('protocol version 99 not supported'), fatal: true }]);
    expect((await call('GET', `/v1/tenants/${ids.tenantId}/sites/${ids.siteId}`, { token: ids.apiKey })).body.relay.connected).toBe(false);
  });

  it('closes a relay that sends a frame over 32 KB (1009), as API Gateway does', async () => {
    const ids = await tenantAndSite(api(shared.url));
    const relay = await rawRelay(shared.relayUrl, ids.relayToken);
    await waitFor(() => relay.frames.some((f) => f.t === 'welcome'));
    relay.ws.send(JSON.stringify({ t: 'ping', ts: 1, pad: 'x'.repeat(33 * 1024) }));
    expect(await new Promise<number>((res) => relay.ws.once('close', (code) => res(code)))).toBe(1009);
  });

  it('carries answers over 32 KB as parts through DynamoDB, and redirects a recording to S3', async () => {
    const { monitorDir, audio } = monitorWithRecording();
    const { call, ids, conf } = await world({ channels: 400, monitorDir });
    relays.push(await startTestRelay(conf));
    await online(call, ids);
    const viaCloud = await currentCalls(call, ids);
    expect(viaCloud.text.length).toBeGreaterThan(64 * 1024);
    const lan = await (await fetch(`http://127.0.0.1:${relays[0].lan.port}/coocenter-api/extensions/current-calls`, { method: 'POST' })).text();
    expect(viaCloud.text).toBe(lan);

    const rec = await fetch(`${shared.url}/sites/${ids.siteId}/coocenter-api/monitor/2026/call-1.wav`, { headers: { authorization: `Bearer ${ids.apiKey}` }, redirect: 'manual' });
    expect(rec.status).toBe(302);
    const location = new URL(rec.headers.get('location')!);
    expect(location.pathname).toMatch(new RegExp(`^/${shared.config.recordingsBucket}/recordings/${ids.siteId}/cmd_[a-z0-9]+/call-1\\.wav$`));
    expect(location.searchParams.get('X-Amz-Expires')).toBe('300');
    const file = await fetch(location);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('audio/wav');
    expect(Buffer.from(await file.arrayBuffer()).equals(audio)).toBe(true);
    // Refusals come from the relay as on the LAN.
    expect((await call('GET', `/sites/${ids.siteId}/coocenter-api/monitor/2026/none.wav`, { token: ids.apiKey })).status).toBe(404);
    const evil = await rawGet(shared.url, `/sites/${ids.siteId}/coocenter-api/monitor/..%2F..%2Fetc%2Fpasswd`, { authorization: `Bearer ${ids.apiKey}` });
    expect(evil.status).toBe(400);
  });
});
