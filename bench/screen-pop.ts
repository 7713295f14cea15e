/**
 * "Screen pop" latency: the PBX simulator writes AMI `DialBegin` → relay (its
 * own process) → tunnel → cloud (its own process, DynamoDB Local in memory +
 * fauxqs) → DynamoDB → outbox → the event stream → a WebSocket client here,
 * filtered to the callee's extension and `dialbegin` — what an agent's
 * browser toolbar sees. Meanwhile the simulator keeps other events flowing
 * (extensions registering and unregistering, at --background events/s),
 * which a second, unfiltered stream client receives.
 *
 * The moment DialBegin is written is taken by a pass-through TCP proxy between
 * the simulator and the relay (the simulator's own timestamps follow its
 * scenario clock, not the wall clock). Target (issue 13): p99 < 50 ms.
 *
 * Per hop: relay and cloud note when each event (by seq) passes each step
 * (protocol/src/hop-marks.ts, on through COOCENTER_HOP_MARKS; `--hops off`
 * runs them without), and their event loops' delay; the bench prints the
 * time between consecutive hops, the CPU each process used and the load.
 *
 *   npm run bench:screen-pop [-- --calls 200 --background 500 --warmup 20 --hops on]
 */
import net from 'node:net';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { startDynamoDbLocal } from '../cloud/src/local/dynamodb-local.js';
import { createLogger } from '../protocol/src/log.js';
import { startSimulator } from '../simulator/src/index.js';
import { hopBreakdown, loopDelayOf, readHopFiles } from './hops.js';
import { BENCH_ADMIN_TOKEN, cpuSeconds, json, print, startCloudProcess, startRelayProcess, summary, tmp } from './support.js';

/** A pass-through proxy that notes when each DialBegin (by its DestUniqueid) passes towards the relay. */
async function proxy(target: number, seen: Map<string, number>): Promise<{ port: number; close(): void }> {
  const server = net.createServer((client) => {
    client.setNoDelay(true);
    const upstream = net.connect(target, '127.0.0.1');
    upstream.setNoDelay(true);
    let tail = '';
    upstream.on('data', (chunk) => {
      const at = Date.now();
      client.write(chunk);
      const text = tail + chunk.toString('latin1');
      for (const m of text.matchAll(/Event: DialBegin\r\n(?:[^\r\n]+\r\n)*?DestUniqueid: ([^\r\n]+)\r\n/g)) if (!seen.has(m[1])) seen.set(m[1], at);
      tail = text.slice(-2048);
    });
    client.on('data', (chunk) => upstream.write(chunk));
    const end = () => (client.destroy(), upstream.destroy());
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, close: () => server.close() };
}

function streamClient(url: string, onEvent: (m: any, at: number) => void): Promise<WebSocket> {
  const ws = new WebSocket(url);
  ws.on('message', (data) => {
    const at = Date.now();
    const m = JSON.parse(data.toString());
    if (m.type === 'event') onEvent(m, at);
  });
  return new Promise((resolve, reject) => (ws.on('open', () => resolve(ws)), ws.on('error', reject)));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { calls: { type: 'string', default: '200' }, background: { type: 'string', default: '500' }, warmup: { type: 'string', default: '20' }, hops: { type: 'string', default: 'on' } } });
  const hopsDir = values.hops === 'off' ? undefined : tmp('bench-hops-');
  // Read by the relay and cloud processes spawned below (they inherit this environment).
  if (hopsDir) process.env.COOCENTER_HOP_MARKS = hopsDir;
  const calls = Number(values.calls);
  const warmup = Number(values.warmup);
  const backgroundRate = Number(values.background);

  const sim = await startSimulator({ port: 0, tech: 'SIP', timeScale: 1 });
  const written = new Map<string, number>();
  const ami = await proxy(sim.port, written);
  const dynamo = await startDynamoDbLocal({ logger: createLogger({ level: 'error' }) });
  const cloud = await startCloudProcess({ DYNAMODB_ENDPOINT: dynamo.endpoint });
  const auth = (t: string) => ({ authorization: `Bearer ${t}`, 'content-type': 'application/json' });
  const tenant = await json(`${cloud.url}/v1/tenants`, { method: 'POST', headers: auth(BENCH_ADMIN_TOKEN), body: JSON.stringify({ name: 'bench' }) });
  const site = await json(`${cloud.url}/v1/tenants/${tenant.id}/sites`, { method: 'POST', headers: auth(tenant.apiKey), body: JSON.stringify({ name: 'bench' }) });
  const relay = await startRelayProcess(
    `[general]\nBINDPORT = __LAN_PORT__\nBINDADDR = 127.0.0.1\nmac = 00:00:00:00:00:00\ndata_dir = __DATA_DIR__\n[ami]\nport = ${ami.port}\nusername = admin\nsecret = secret\n[cloud]\nurl = ${cloud.url}\ntoken = ${site.relayToken}\n`,
  );

  const wsBase = cloud.url.replace(/^http/, 'ws');
  const ticket = async (body: object) => (await json(`${cloud.url}/v1/tenants/${tenant.id}/stream-tickets`, { method: 'POST', headers: auth(tenant.apiKey), body: JSON.stringify(body) })).ticket as string;
  const popped = new Map<string, number>();
  const seqOf = new Map<string, number>();
  const toolbar = await streamClient(`${wsBase}/v1/stream?ticket=${await ticket({ events: ['dialbegin'], extensions: ['802'] })}`, (m, at) => {
    if (!popped.has(m.data.destuniqueid)) popped.set(m.data.destuniqueid, at), seqOf.set(m.data.destuniqueid, m.seq);
  });
  let backgroundEvents = 0;
  const firehose = await streamClient(`${wsBase}/v1/stream?ticket=${await ticket({})}`, () => backgroundEvents++);
  for (let deadline = Date.now() + 60_000; !(await json(`${cloud.url}/v1/tenants/${tenant.id}/sites/${site.id}`, { headers: auth(tenant.apiKey) })).relay?.amiConnected; ) {
    if (Date.now() > deadline) throw new Error('the relay did not connect');
    await sleep(200);
  }

  // Other events: lab extensions register and unregister (an extensionstatus each).
  let flowing = true;
  const background = (async () => {
    const exts = ['803', '804', '806', '808'];
    let n = 0;
    const perTick = Math.max(1, Math.round(backgroundRate / 200));
    while (flowing && backgroundRate > 0) {
      for (let i = 0; i < perTick; i++, n++) {
        const ext = exts[n % exts.length];
        await (Math.floor(n / exts.length) % 2 ? sim.register(ext) : sim.unregister(ext));
      }
      await sleep(5);
    }
  })();

  // Calls 801 → 802 one after another; each DialBegin is one sample.
  const started = Date.now();
  const before = backgroundEvents;
  const pids = { relay: relay.child.pid, cloud: cloud.child.pid, dynamodbLocal: dynamo.pid };
  const cpuBefore = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSeconds(pid)]));
  const benchCpuBefore = process.cpuUsage();
  const loadBefore = loadavg()[0];
  for (let i = 0; i < warmup + calls; i++) await sim.call('801', '802', { ringMs: 50, talkMs: 50 });
  const elapsed = (Date.now() - started) / 1000;
  const measuredBackground = Math.round((backgroundEvents - before) / elapsed);
  // CPU each process used while the calls ran, in % of one core; the machine has cpus().length of them.
  const cpuPercent = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, Math.round(((cpuSeconds(pid) - cpuBefore[k]) / elapsed) * 100)]));
  const benchCpu = process.cpuUsage(benchCpuBefore);
  cpuPercent.benchAndSimulator = Math.round(((benchCpu.user + benchCpu.system) / 1e6 / elapsed) * 100);
  const loadAfter = loadavg()[0];
  for (let deadline = Date.now() + 30_000; popped.size < written.size && Date.now() < deadline; ) await sleep(100);
  flowing = false;
  await background;

  const measured = [...written.entries()].slice(warmup);
  const samples = measured.map(([id, at]) => (popped.has(id) ? popped.get(id)! - at : NaN));
  const received = samples.filter((x) => Number.isFinite(x));
  toolbar.close();
  firehose.close();
  await relay.stop();
  await cloud.stop();
  await dynamo.stop();
  ami.close();
  await sim.close();
  const latency = summary(received);
  let hops: object | undefined;
  if (hopsDir) {
    const files = readHopFiles(hopsDir);
    const ends = (hop: string, times: Map<string, number>) => files.at.set(hop, new Map([...times].filter(([id]) => seqOf.has(id)).map(([id, t]) => [seqOf.get(id)!, t])));
    ends('ami.written', written);
    ends('client.received', popped);
    const seqs = measured.map(([id]) => seqOf.get(id)).filter((s): s is number => s !== undefined);
    hops = {
      breakdownMs: hopBreakdown(files, seqs),
      eventLoopDelayMs: { relay: loopDelayOf(files, pids.relay), cloud: loopDelayOf(files, pids.cloud) },
    };
  }
  print({
    bench: 'screen-pop',
    path: 'simulator DialBegin → relay → tunnel → cloud → DynamoDB (Local, in memory) → outbox → stream (filtered: dialbegin of 802) → WebSocket client',
    calls: samples.length,
    missed: samples.length - received.length,
    backgroundEventsPerSec: measuredBackground,
    latencyMs: latency,
    ...hops,
    cpuPercentOfOneCore: cpuPercent,
    machine: { cores: cpus().length, loadAverage1m: { before: Number(loadBefore.toFixed(2)), after: Number(loadAfter.toFixed(2)) } },
    target: 'p99 < 50 ms locally',
    verdict: received.length === samples.length && latency.p99 < 50 ? 'target met' : 'target not met',
  });
}

void main();
