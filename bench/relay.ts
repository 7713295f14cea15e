/**
 * The relay's event path, in one run:
 *  1. mapper throughput: every Event message of the real recordings, repeated
 *     (Uniqueids and channel names made distinct per repetition so calls do
 *     not collide), mapped by EventMapper — target ≥ 200,000 AMI frames/s;
 *  2. the relay process's memory with 1,000 calls up at once on the PBX
 *     simulator, and after they ended — target RSS < 80 MB.
 *
 *   npm run bench:relay [-- --repeat 40 --calls 1000]
 */
import { parseArgs } from 'node:util';
import { EventMapper } from '../edge-relay/src/events/mapper.js';
import { startSimulator } from '../simulator/src/index.js';
import { BENCH_MAPPER_CONFIG, recordedMessages } from './recorded-stream.js';
import { BENCH_ADMIN_TOKEN, json, print, rssMb, startCloudProcess, startRelayProcess } from './support.js';

function mapperThroughput(repeat: number): Record<string, number> {
  const messages = recordedMessages(repeat);
  const run = () => {
    const mapper = new EventMapper(BENCH_MAPPER_CONFIG);
    let events = 0;
    let now = Date.UTC(2026, 10, 24, 9, 0, 0);
    const t = process.hrtime.bigint();
    for (const m of messages) events += mapper.map(m, (now += 1)).events.length;
    return { ms: Number(process.hrtime.bigint() - t) / 1e6, events };
  };
  run(); // warm up
  const runs = [run(), run(), run()].sort((a, b) => a.ms - b.ms);
  const best = runs[1];
  return {
    frames: messages.length,
    boxEvents: best.events,
    medianMs: Number(best.ms.toFixed(1)),
    framesPerSec: Math.round(messages.length / (best.ms / 1000)),
  };
}

/** The relay's RSS with `calls` calls up at once; with `cloud`, its tunnel carries the events up. */
async function relayMemory(calls: number, cloud?: { url: string; token: string }): Promise<Record<string, number | string>> {
  const sim = await startSimulator({ port: 0, timeScale: 0.01 });
  const cloudSection = cloud ? `[cloud]\nurl = ${cloud.url}\ntoken = ${cloud.token}\n` : '';
  const relay = await startRelayProcess(
    `[general]\nBINDPORT = __LAN_PORT__\nBINDADDR = 127.0.0.1\nmac = 68:69:2e:03:8b:3e\ndata_dir = __DATA_DIR__\n[ami]\nport = ${sim.port}\nusername = admin\nsecret = secret\n${cloudSection}`,
  );
  const pid = relay.child.pid!;
  await new Promise((r) => setTimeout(r, 1500));
  const idle = rssMb(pid);
  const phones = ['800', '801', '802', '803', '804', '805', '806', '808'];
  const running: Array<Promise<unknown>> = [];
  for (let i = 0; i < calls; i++) {
    const from = phones[i % phones.length];
    const to = phones[(i + 1 + Math.floor(i / phones.length)) % phones.length];
    // 10 simulated minutes of talk: all calls are up together for the reading.
    running.push(sim.call(from, to === from ? '808' : to, { outcome: 'answer', ringMs: 1000, talkMs: 600_000 }).catch(() => undefined));
  }
  const deadline = Date.now() + 60_000;
  while (sim.state.channels.filter((c) => c.bridgeId).length < calls * 2 * 0.95 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  await new Promise((r) => setTimeout(r, 2000));
  const up = sim.state.channels.length;
  const peak = rssMb(pid);
  for (const c of sim.state.channels) sim.hangup(c.name);
  await Promise.all(running);
  await new Promise((r) => setTimeout(r, 3000));
  const after = rssMb(pid);
  await relay.stop();
  await sim.close();
  return { setup: cloud ? 'relay + tunnel to a local cloud' : 'relay alone (LAN API, no tunnel)', calls, channelsUp: up, rssIdleMb: idle, rssWithCallsUpMb: peak, rssAfterCallsMb: after };
}

async function withCloud(calls: number): Promise<Record<string, number | string>> {
  const cloud = await startCloudProcess();
  const auth = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
  const tenant = await json(`${cloud.url}/v1/tenants`, { method: 'POST', headers: auth(BENCH_ADMIN_TOKEN), body: JSON.stringify({ name: 'bench' }) });
  const site = await json(`${cloud.url}/v1/tenants/${tenant.id}/sites`, { method: 'POST', headers: auth(tenant.apiKey), body: JSON.stringify({ name: 'bench' }) });
  try {
    return await relayMemory(calls, { url: cloud.url, token: site.relayToken });
  } finally {
    await cloud.stop();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { repeat: { type: 'string', default: '40' }, calls: { type: 'string', default: '1000' } } });
  const mapper = mapperThroughput(Number(values.repeat));
  const alone = await relayMemory(Number(values.calls));
  const tunnelled = await withCloud(Number(values.calls));
  print({ bench: 'relay', mapper, memory: [alone, tunnelled], targets: { framesPerSec: '>= 200000', rssWithCallsUpMb: '< 80' } });
}

void main();
