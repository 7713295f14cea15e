/**
 * The event path end to end, on loopback, at a sustained rate:
 *   AMI (a generator speaking TCP, in this process) → relay (its own process)
 *   → tunnel → cloud (its own process: DynamoDB Local + fauxqs embedded)
 *   → DynamoDB → outbox → SQS → delivery worker → webhook POST received here.
 * Each AMI event carries `Timestamp:` = the moment it was written to the
 * socket; the relay copies it into the event, so the receiver measures the
 * whole path. Target (issue 5): p99 < 20 ms at 2,000 events/s, zero loss.
 *
 *   npm run bench:events [-- --rates 100,500,2000 --seconds 10 --warmup 5]
 */
import http from 'node:http';
import net from 'node:net';
import { parseArgs } from 'node:util';
import { AmiDecoder } from '../ami-codec/src/decoder.js';
import { startDynamoDbLocal } from '../cloud/src/local/dynamodb-local.js';
import { createLogger } from '../protocol/src/log.js';
import { BENCH_ADMIN_TOKEN, json, print, startCloudProcess, startRelayProcess, summary } from './support.js';

/** An AMI server that, once the relay is logged in, can stream ExtensionStatus events. */
async function generator(): Promise<{ port: number; ready: Promise<net.Socket>; close(): void }> {
  let loggedIn!: (s: net.Socket) => void;
  const ready = new Promise<net.Socket>((r) => (loggedIn = r));
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    socket.write('Asterisk Call Manager/9.0.0\r\n');
    const decoder = new AmiDecoder({ expectBanner: false });
    socket.on('error', () => undefined);
    socket.on('data', (chunk) =>
      decoder.push(chunk, (m) => {
        const id = m.get('ActionID') ?? '';
        const action = (m.get('Action') ?? '').toLowerCase();
        if (['queuestatus', 'extensionstatelist', 'coreshowchannels'].includes(action)) {
          socket.write(`Response: Success\r\nActionID: ${id}\r\nEventList: start\r\n\r\nEvent: Done\r\nActionID: ${id}\r\nEventList: Complete\r\nListItems: 0\r\n\r\n`);
        } else socket.write(`Response: Success\r\nActionID: ${id}\r\nMessage: ok\r\n\r\n`);
        if (action === 'login') loggedIn(socket);
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, ready, close: () => server.close() };
}

function event(n: number): string {
  const now = Date.now() / 1000;
  return `Event: ExtensionStatus\r\nPrivilege: call,all\r\nTimestamp: ${now.toFixed(6)}\r\nExten: ${n}\r\nContext: from-internal\r\nHint: SIP/${n % 100}\r\nStatus: ${n % 2}\r\nStatusText: ${n % 2 ? 'InUse' : 'Idle'}\r\n\r\n`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rates: { type: 'string', default: '100,250,500,1000,2000' }, seconds: { type: 'string', default: '10' }, warmup: { type: 'string', default: '5' } } });
  const rates = values.rates.split(',').map(Number);

  // The tenant's webhook endpoint.
  const latencies = new Map<number, number>();
  let duplicates = 0;
  const receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const at = Date.now();
      const env = JSON.parse(body) as { data: { exten: string; timestamp: string } };
      const n = Number(env.data.exten);
      if (latencies.has(n)) duplicates++;
      else latencies.set(n, at - Number(env.data.timestamp) * 1000);
      res.writeHead(200).end();
    });
  });
  receiver.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const hookUrl = `http://127.0.0.1:${(receiver.address() as net.AddressInfo).port}/hooks`;

  // DynamoDB Local in memory, as a stand-in for DynamoDB itself: its on-disk
  // mode (what `npm start` uses to keep data) is SQLite-backed and measures the
  // disk, not us. The cloud process embeds fauxqs as usual.
  const dynamo = await startDynamoDbLocal({ logger: createLogger({ level: 'error' }) });
  const cloud = await startCloudProcess({ ALLOW_PRIVATE_WEBHOOKS: '1', DYNAMODB_ENDPOINT: dynamo.endpoint });
  const auth = (t: string) => ({ authorization: `Bearer ${t}`, 'content-type': 'application/json' });
  const tenant = await json(`${cloud.url}/v1/tenants`, { method: 'POST', headers: auth(BENCH_ADMIN_TOKEN), body: JSON.stringify({ name: 'bench' }) });
  const site = await json(`${cloud.url}/v1/tenants/${tenant.id}/sites`, { method: 'POST', headers: auth(tenant.apiKey), body: JSON.stringify({ name: 'bench' }) });
  await json(`${cloud.url}/v1/tenants/${tenant.id}/webhooks`, { method: 'POST', headers: auth(tenant.apiKey), body: JSON.stringify({ url: hookUrl }) });
  const ami = await generator();
  const relay = await startRelayProcess(
    `[general]\nBINDPORT = __LAN_PORT__\nBINDADDR = 127.0.0.1\nmac = 00:00:00:00:00:00\ndata_dir = __DATA_DIR__\n[ami]\nport = ${ami.port}\nusername = admin\nsecret = secret\n[cloud]\nurl = ${cloud.url}\ntoken = ${site.relayToken}\n`,
  );
  const socket = await ami.ready;
  await new Promise((r) => setTimeout(r, 1500)); // tunnel up

  // Send at a steady rate: a batch every 5 ms. Events are numbered across the
  // whole run, so each step measures only its own.
  let next = 1;
  const send = async (rate: number, count: number) => {
    const from = next;
    next += count;
    let sent = 0;
    const start = Date.now();
    while (sent < count) {
      const due = Math.min(count, Math.floor(((Date.now() - start) / 1000) * rate) + rate / 200);
      let chunk = '';
      for (; sent < due; sent++) chunk += event(from + sent);
      if (chunk) socket.write(chunk);
      await new Promise((r) => setTimeout(r, 5));
    }
    return { from, elapsed: (Date.now() - start) / 1000 };
  };
  const drain = async (from: number, count: number) => {
    const deadline = Date.now() + 120_000;
    const arrived = () => [...latencies.keys()].filter((n) => n >= from && n < from + count).length;
    while (arrived() < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    return [...latencies.entries()].filter(([n]) => n >= from && n < from + count).map(([, ms]) => ms);
  };

  // Warm-up: the JVM behind DynamoDB Local compiles its hot paths in the first seconds.
  const warm = await send(rates[0], Math.round(rates[0] * Number(values.warmup)));
  await drain(warm.from, Math.round(rates[0] * Number(values.warmup)));

  const steps = [];
  for (const rate of rates) {
    const count = Math.round(rate * Number(values.seconds));
    const { from, elapsed } = await send(rate, count);
    const samples = await drain(from, count);
    steps.push({ offeredRate: rate, sentPerSec: Math.round(count / elapsed), events: count, received: samples.length, lost: count - samples.length, latencyMs: summary(samples) });
    await new Promise((r) => setTimeout(r, 2000)); // let the queues settle between steps
  }
  await relay.stop();
  await cloud.stop();
  await dynamo.stop();
  ami.close();
  receiver.close();
  const met = steps.filter((s) => s.lost === 0 && s.latencyMs.p99 < 20);
  print({
    bench: 'events',
    path: 'AMI → relay → tunnel → cloud → DynamoDB (Local, in memory) → outbox → SQS (fauxqs) → webhook POST',
    steps,
    duplicates,
    target: 'p99 < 20 ms at 2,000 events/s, zero loss',
    verdict: met.some((s) => s.offeredRate >= 2000)
      ? 'target met'
      : `target not met: p99 < 20 ms and no loss up to ${met.length ? Math.max(...met.map((s) => s.offeredRate)) : 0} events/s`,
  });
}

void main();
