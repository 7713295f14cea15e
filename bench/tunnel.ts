/**
 * The tunnel's cost and capacity, in one run on loopback:
 *  1. one command's round trip through the cloud vs the same command on the
 *     relay's LAN API (p50/p99 and the overhead between them);
 *  2. commands per second through one site's tunnel;
 *  3. idle relay connections one cloud process holds, and its RSS.
 * Targets (issue 4): overhead p50 < 1 ms, p99 < 5 ms; ≥ 5,000 commands/s;
 * 10,000 idle connections.
 *
 * The cloud and the relay run as their own processes; the PBX is a minimal
 * AMI responder in this process.
 *
 *   npm run bench:tunnel [-- --requests 3000 --seconds 5 --concurrency 64 --idle 10000]
 */
import net from 'node:net';
import autocannon from 'autocannon';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { AmiDecoder } from '../ami-codec/src/decoder.js';
import { BENCH_ADMIN_TOKEN, json, print, rssMb, startCloudProcess, startRelayProcess, summary } from './support.js';

/** Answers Login, Ping and CoreShowChannels (two channels) at once; everything else Success. */
async function miniPbx(): Promise<{ port: number; close(): void }> {
  const server = net.createServer((socket) => {
    socket.write('Asterisk Call Manager/9.0.0\r\n');
    const decoder = new AmiDecoder({ expectBanner: false });
    socket.on('data', (chunk) =>
      decoder.push(chunk, (m) => {
        const id = m.get('ActionID') ?? '';
        const action = (m.get('Action') ?? '').toLowerCase();
        if (action === 'coreshowchannels') {
          const ch = (n: number) =>
            `Event: CoreShowChannel\r\nActionID: ${id}\r\nChannel: SIP/80${n}-0000000${n}\r\nChannelState: 6\r\nChannelStateDesc: Up\r\nCallerIDNum: 80${n}\r\nCallerIDName: 80${n}\r\nConnectedLineNum: 802\r\nConnectedLineName: 802\r\nUniqueid: 1795513306.6${n}\r\nLinkedid: 1795513306.63\r\nDuration: 00:00:04\r\n\r\n`;
          socket.write(`Response: Success\r\nActionID: ${id}\r\nEventList: start\r\nMessage: Channels will follow\r\n\r\n${ch(1)}${ch(2)}Event: CoreShowChannelsComplete\r\nActionID: ${id}\r\nEventList: Complete\r\nListItems: 2\r\n\r\n`);
        } else if (action === 'queuestatus' || action === 'extensionstatelist') {
          socket.write(`Response: Success\r\nActionID: ${id}\r\nEventList: start\r\n\r\nEvent: Complete\r\nActionID: ${id}\r\nEventList: Complete\r\nListItems: 0\r\n\r\n`);
        } else {
          socket.write(`Response: Success\r\nActionID: ${id}\r\nMessage: ok\r\n\r\n`);
        }
      }),
    );
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, close: () => server.close() };
}

async function timed(url: string, headers: Record<string, string>): Promise<number> {
  const t = process.hrtime.bigint();
  const res = await fetch(url, { method: 'POST', headers });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string', default: '3000' },
      seconds: { type: 'string', default: '5' },
      concurrency: { type: 'string', default: '64' },
      idle: { type: 'string', default: '10000' },
    },
  });
  const pbx = await miniPbx();
  const cloud = await startCloudProcess();
  const tenant = await json(`${cloud.url}/v1/tenants`, { method: 'POST', headers: { authorization: `Bearer ${BENCH_ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'bench' }) });
  const site = await json(`${cloud.url}/v1/tenants/${tenant.id}/sites`, { method: 'POST', headers: { authorization: `Bearer ${tenant.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'bench site' }) });
  const relay = await startRelayProcess(
    `[general]\nBINDPORT = __LAN_PORT__\nBINDADDR = 127.0.0.1\nmac = 00:00:00:00:00:00\ndata_dir = __DATA_DIR__\n[ami]\nport = ${pbx.port}\nusername = admin\nsecret = secret\n[cloud]\nurl = ${cloud.url}\ntoken = ${site.relayToken}\n`,
  );
  const auth = { authorization: `Bearer ${tenant.apiKey}` };
  const viaCloud = `${cloud.url}/sites/${site.id}/coocenter-api/extensions/current-calls`;
  const direct = `http://127.0.0.1:${relay.lanPort}/coocenter-api/extensions/current-calls`;
  for (let i = 0; i < 100; i++) {
    try {
      await timed(viaCloud, auth);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100)); // relay still connecting
    }
  }

  // 1. Round trip, alternating so both see the same machine.
  const n = Number(values.requests);
  const lan: number[] = [];
  const cloudMs: number[] = [];
  for (let i = 0; i < 300; i++) (await timed(direct, {}), await timed(viaCloud, auth));
  for (let i = 0; i < n; i++) {
    lan.push(await timed(direct, {}));
    cloudMs.push(await timed(viaCloud, auth));
  }
  const l = summary(lan);
  const c = summary(cloudMs);

  // 2. Throughput through one site's tunnel. autocannon drives the load: a
  // fetch() loop would spend more CPU than the cloud and relay together.
  const seconds = Number(values.seconds);
  const load = await autocannon({ url: viaCloud, method: 'POST', headers: auth, connections: Number(values.concurrency), duration: seconds });
  if (load.non2xx > 0 || load.errors > 0) throw new Error(`throughput run had ${load.non2xx} non-2xx answers and ${load.errors} errors`);
  const perSecond = Math.round(load.requests.total / seconds);
  await relay.stop();
  await cloud.stop();
  pbx.close();

  // 3. Idle connections held by a fresh cloud process.
  const idle = await idleConnections(Number(values.idle));

  print({
    bench: 'tunnel',
    roundTripMs: { lan: l, cloud: c },
    overheadMs: { p50: Number((c.p50 - l.p50).toFixed(3)), p99: Number((c.p99 - l.p99).toFixed(3)), meanRatio: Number((c.mean / l.mean).toFixed(2)) },
    throughput: { commandsPerSec: perSecond, concurrency: Number(values.concurrency), seconds },
    idleConnections: idle,
    targets: { overheadP50Ms: '< 1', overheadP99Ms: '< 5', commandsPerSec: '>= 5000', idleConnections: '>= 10000' },
  });
}

async function idleConnections(count: number): Promise<Record<string, number>> {
  const cloud = await startCloudProcess();
  const tenant = await json(`${cloud.url}/v1/tenants`, { method: 'POST', headers: { authorization: `Bearer ${BENCH_ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'idle' }) });
  const tokens: string[] = [];
  const makeSites = async (k: number) => {
    while (tokens.length < count) {
      const s = await json(`${cloud.url}/v1/tenants/${tenant.id}/sites`, { method: 'POST', headers: { authorization: `Bearer ${tenant.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: `site ${tokens.length}-${k}` }) });
      if (tokens.length < count) tokens.push(s.relayToken);
    }
  };
  await Promise.all(Array.from({ length: 32 }, (_, k) => makeSites(k)));
  const before = rssMb(cloud.child.pid!);
  const sockets: WebSocket[] = [];
  let welcomed = 0;
  const wsUrl = cloud.url.replace('http', 'ws') + '/relay';
  const open = (token: string) =>
    new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${token}` }, perMessageDeflate: false });
      sockets.push(ws);
      ws.once('open', () => ws.send(JSON.stringify({ t: 'hello', v: 1, relay: 'bench/idle', amiConnected: true, lastSeq: 0 })));
      ws.on('message', (d) => {
        if (String(d).includes('"welcome"')) {
          welcomed++;
          resolve();
        }
      });
      ws.once('error', reject);
    });
  let next = 0;
  await Promise.all(
    Array.from({ length: 100 }, async () => {
      while (next < tokens.length) await open(tokens[next++]);
    }),
  );
  await new Promise((r) => setTimeout(r, 2000));
  const after = rssMb(cloud.child.pid!);
  for (const ws of sockets) ws.terminate();
  await cloud.stop();
  return { held: welcomed, rssBeforeMb: before, rssAfterMb: after, kbPerConnection: Number((((after - before) * 1024) / Math.max(1, welcomed)).toFixed(1)) };
}

void main();
