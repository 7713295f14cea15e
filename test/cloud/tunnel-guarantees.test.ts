/**
 * What the tunnel guarantees: a retried write never runs twice, a killed relay
 * loses and doubles no event in DynamoDB, reconnects are make-before-break,
 * one connection per site, a protocol mismatch is refused clearly, and
 * answers bigger than a frame (long lists, recordings) arrive whole.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import type { LocalCloud } from '../../cloud/src/local/server.js';
import { dynamoClient } from '../../cloud/src/aws-clients.js';
import { EVENT_SHARDS } from '../../cloud/src/store/events.js';
import type { Relay } from '../../edge-relay/src/relay.js';
import { CloseCode } from '../../protocol/src/wire/frames.js';
import { api, rawGet, startTestCloud, tenantAndSite, type Api } from '../helpers/cloud-harness.js';
import { monitorWithRecording, startBusyPbx } from '../helpers/busy-pbx.js';
import { frame, type FakeAmi } from '../helpers/fake-ami.js';
import { expectedConf, setConf, startTestRelay, tempDir } from '../helpers/relay-harness.js';
import { waitFor } from '../helpers/wait.js';

let cloud: LocalCloud | undefined;
let relays: Relay[] = [];
let pbx: FakeAmi | undefined;
let child: ChildProcess | undefined;

afterEach(async () => {
  child?.kill('SIGKILL');
  for (const r of relays) await r.stop();
  await pbx?.close();
  await cloud?.stop();
  relays = [];
  pbx = cloud = child = undefined;
});

async function world(opts: { channels?: number; monitorDir?: string } = {}) {
  cloud = await startTestCloud();
  const call = api(cloud.url);
  const ids = await tenantAndSite(call);
  pbx = await startBusyPbx(opts.channels ?? 0);
  let conf = expectedConf('api.conf');
  conf = setConf(conf, 'general', { BINDPORT: 0, BINDADDR: '127.0.0.1', URL: '' });
  conf = setConf(conf, 'ami', { port: pbx.port });
  conf = setConf(conf, 'cloud', { url: cloud.url, token: ids.relayToken });
  if (opts.monitorDir) conf = setConf(conf, 'pbx', { monitor_dir: opts.monitorDir });
  return { call, ids, conf };
}

async function online(call: Api, ids: { tenantId: string; siteId: string; apiKey: string }) {
  await waitFor(async () => (await call('GET', `/v1/tenants/${ids.tenantId}/sites/${ids.siteId}`, { token: ids.apiKey })).body.relay.amiConnected, { what: 'relay online' });
}

const originates = () => pbx!.sessions.flatMap((s) => s.actions).filter((a) => a.get('Action') === 'Originate').length;

describe('tunnel guarantees', () => {
  it('runs a retried click-to-call once per Idempotency-Key, even across a relay restart', async () => {
    const { call, ids, conf } = await world();
    const dataDir = tempDir();
    relays.push(await startTestRelay(conf, { dataDir }));
    await online(call, ids);
    const click = (key: string) =>
      call('POST', `/sites/${ids.siteId}/coocenter-api/extensions/click-number`, { token: ids.apiKey, form: { src: '801', dst: '802' }, headers: { 'idempotency-key': key } });
    const first = await click('crm-4711');
    expect(first.status).toBe(200);
    const again = await click('crm-4711');
    expect(again.text).toBe(first.text);
    expect(originates()).toBe(1);
    // The memory is on disk: a restarted relay still refuses to ring twice.
    await relays.pop()!.stop();
    await waitFor(async () => !(await call('GET', `/v1/tenants/${ids.tenantId}/sites/${ids.siteId}`, { token: ids.apiKey })).body.relay.connected, { what: 'relay offline' });
    relays.push(await startTestRelay(conf, { dataDir }));
    await online(call, ids);
    expect((await click('crm-4711')).text).toBe(first.text);
    expect(originates()).toBe(1);
    expect((await click('crm-4712')).status).toBe(200);
    expect(originates()).toBe(2);
  });

  it('loses and doubles no event when the relay is killed and restarted mid-stream (checked in DynamoDB)', async () => {
    const { call, ids, conf } = await world();
    const dataDir = tempDir();
    const confFile = join(dataDir, 'api.conf');
    writeFileSync(confFile, setConf(conf, 'general', { data_dir: dataDir }));
    const run = () => (child = spawn(process.execPath, ['bin/coocenter-relay.js', '--config', confFile], { stdio: 'ignore', env: { ...process.env, LOG_LEVEL: 'error' } }));
    run();
    await online(call, ids);
    const session = pbx!.sessions[pbx!.sessions.length - 1];
    let sent = 0;
    const ext = (n: number) =>
      frame([['Event', 'ExtensionStatus'], ['Privilege', 'call,all'], ['Exten', String(20000 + n)], ['Context', 'from-internal'], ['Hint', 'SIP/x'], ['Status', '0'], ['StatusText', 'Idle']]);
    const pump = setInterval(() => {
      for (let k = 0; k < 25 && sent < 500; k++) session.send(ext(sent++));
    }, 5);
    await waitFor(async () => (await cloud!.events.ackedSeq(ids.siteId)) >= 60, { what: 'some events stored' });
    child!.kill('SIGKILL');
    clearInterval(pump);
    await new Promise((r) => child!.once('exit', r));
    run();
    await waitFor(() => pbx!.sessions.length >= 2, { what: 'relay back' });
    // Everything the relay spooled before and after the kill ends up stored, once.
    const resumed = pbx!.sessions[pbx!.sessions.length - 1];
    for (let i = 0; i < 40; i++) resumed.send(ext(1000 + i));
    await waitFor(
      async () => {
        const acked = await cloud!.events.ackedSeq(ids.siteId);
        return acked > 0 && (await storedSeqs(ids.siteId)).filter((s) => s > acked).length === 0 && (await storedExtens(ids.siteId)).includes('21039');
      },
      { timeoutMs: 20_000, what: 'all events stored' },
    );
    const seqs = await storedSeqs(ids.siteId);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1)); // 1..n: no gap
    const extens = await storedExtens(ids.siteId);
    expect(new Set(extens).size).toBe(extens.length); // no event stored twice
  });

  it('switches to a fresh connection before closing the old one, and takes over from a second relay cleanly', async () => {
    const { call, ids, conf } = await world();
    relays.push(await startTestRelay(conf));
    await online(call, ids);
    const relay = relays[0];
    await waitFor(() => relay.tunnel!.state === 'connected');
    const welcomes: string[] = [];
    relay.tunnel!.on('welcome', (w) => welcomes.push(w.siteId));
    const states: string[] = [];
    relay.tunnel!.on('state', (s) => states.push(s));
    cloud!.hub.askReconnect(ids.siteId, 'test');
    await waitFor(() => welcomes.length === 1, { what: 'second welcome' });
    // Never went through "waiting" or "connecting": the new link was up before the old closed.
    expect(states).toEqual([]);
    const r = await call('POST', `/sites/${ids.siteId}/coocenter-api/extensions/current-calls`, { token: ids.apiKey });
    expect(r.status).toBe(200);
    await waitFor(() => cloud!.hub.connections === 1, { what: 'old connection closed' });

    // A second relay with the same token takes over; the first is told why it was closed.
    const closes: number[] = [];
    const ws = new WebSocket(cloud!.url.replace('http', 'ws') + '/relay', { headers: { authorization: `Bearer ${ids.relayToken}` } });
    await new Promise((res) => ws.once('open', res));
    ws.send(JSON.stringify({ t: 'hello', v: 1, relay: 'intruder/1', amiConnected: false, lastSeq: 0 }));
    await waitFor(async () => (await call('GET', `/v1/tenants/${ids.tenantId}/sites/${ids.siteId}`, { token: ids.apiKey })).body.relay.version === 'intruder/1');
    ws.on('close', (code) => closes.push(code));
    // The replaced relay reconnects on its own and takes the site back.
    await waitFor(() => closes.length === 1, { timeoutMs: 15_000, what: 'intruder replaced' });
    expect(closes[0]).toBe(CloseCode.REPLACED);
  });

  it('refuses a relay speaking another protocol version, saying so', async () => {
    const { ids } = await world();
    const ws = new WebSocket(cloud!.url.replace('http', 'ws') + '/relay', { headers: { authorization: `Bearer ${ids.relayToken}` } });
    await new Promise((res) => ws.once('open', res));
    ws.send(JSON.stringify({ t: 'hello', v: 99, relay: 'future/9', amiConnected: true, lastSeq: 0 }));
    const [code, reason] = await new Promise<[number, string]>((res) => ws.once('close', (c, r) => res([c, r.toString()])));
    expect(code).toBe(CloseCode.VERSION_MISMATCH);
    expect(reason).toContain('protocol version 99 not supported');
    const bad = new WebSocket(cloud!.url.replace('http', 'ws') + '/relay', { headers: { authorization: 'Bearer rt.site_x.notavalidtokennotavalidtoken' } });
    const status = await new Promise<number>((res) => bad.once('unexpected-response', (_q, r) => res(r.statusCode ?? 0)));
    expect(status).toBe(401);
  });

  it('carries answers bigger than one 32 KB frame, and recordings, whole', async () => {
    const { monitorDir, audio } = monitorWithRecording();
    const { call, ids, conf } = await world({ channels: 400, monitorDir });
    relays.push(await startTestRelay(conf));
    await online(call, ids);
    const viaCloud = await call('POST', `/sites/${ids.siteId}/coocenter-api/extensions/current-calls`, { token: ids.apiKey });
    expect(viaCloud.text.length).toBeGreaterThan(64 * 1024);
    const lan = await (await fetch(`http://127.0.0.1:${relays[0].lan.port}/coocenter-api/extensions/current-calls`, { method: 'POST' })).text();
    expect(viaCloud.text).toBe(lan);
    const rec = await fetch(`${cloud!.url}/sites/${ids.siteId}/coocenter-api/monitor/2026/call-1.wav`, { headers: { authorization: `Bearer ${ids.apiKey}` } });
    expect(rec.status).toBe(200);
    expect(rec.headers.get('content-type')).toBe('audio/wav');
    expect(Buffer.from(await rec.arrayBuffer()).equals(audio)).toBe(true);
    // Encoded escapes reach the monitor route and are refused there (400); a
    // literal or %2e-dot `..` is resolved by the URL parser before routing and
    // lands on no route at all (404). Either way no file is served.
    for (const [evil, status] of [
      ['..%2F..%2Fetc%2Fpasswd', 400],
      ['2026%2F..%2F..%2Fsecret.wav', 400],
      ['%2Fetc%2Fpasswd', 400],
      ['2026/..%5c..%5csecret', 400],
      ['../../etc/passwd', 404],
      ['%2e%2e/%2e%2e/secret.wav', 404],
    ] as const) {
      const r = await rawGet(cloud!.url, `/sites/${ids.siteId}/coocenter-api/monitor/${evil}`, { authorization: `Bearer ${ids.apiKey}` });
      expect(r.status, evil).toBe(status);
    }
    expect((await call('GET', `/sites/${ids.siteId}/coocenter-api/monitor/2026/none.wav`, { token: ids.apiKey })).status).toBe(404);
  });
});

/** Read the site's events straight from DynamoDB, every shard. */
async function storedItems(siteId: string): Promise<Array<Record<string, any>>> {
  const db = dynamoClient({ endpoint: inject('dynamoEndpoint') });
  const items: Array<Record<string, any>> = [];
  for (let shard = 0; shard < EVENT_SHARDS; shard++) {
    let start: Record<string, unknown> | undefined;
    do {
      const r = await db.send(
        new QueryCommand({
          TableName: cloud!.tables.events,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': `EV#${siteId}#${shard}` },
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
      );
      items.push(...(r.Items ?? []));
      start = r.LastEvaluatedKey;
    } while (start);
  }
  db.destroy();
  return items;
}

async function storedSeqs(siteId: string): Promise<number[]> {
  return (await storedItems(siteId)).map((i) => Number(i.seq)).sort((a, b) => a - b);
}

async function storedExtens(siteId: string): Promise<string[]> {
  return (await storedItems(siteId)).map((i) => String(i.data.exten));
}
