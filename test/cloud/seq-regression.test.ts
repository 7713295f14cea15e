/**
 * A relay whose data directory is wiped starts numbering at 1 again, below
 * what the cloud already stored for its site. On both runtimes the cloud
 * tells it (a fatal `seq-regression` error with the mark), it numbers what it
 * has not delivered above the mark, and every event of both streams ends up
 * in DynamoDB once; both sides log it at error level. And a relay that gains
 * a cloud after running LAN-only uploads only what comes from then on.
 */
import { rmSync } from 'node:fs';
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { dynamoClient } from '../../cloud/src/aws-clients.js';
import { EVENT_SHARDS } from '../../cloud/src/store/events.js';
import type { Relay } from '../../edge-relay/src/relay.js';
import type { Logger } from '../../protocol/src/log.js';
import { api, startTestCloud, tenantAndSite } from '../helpers/cloud-harness.js';
import { frame, startFakeAmi, type FakeAmi } from '../helpers/fake-ami.js';
import { startLambdaCloud } from '../helpers/lambda-cloud.js';
import { captureLog } from '../helpers/log-capture.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { expectedConf, setConf, startTestRelay, tempDir } from '../helpers/relay-harness.js';
import { waitFor } from '../helpers/wait.js';

interface Cloud {
  url: string;
  relayUrl: string;
  eventsTable: string;
  db: DynamoDBDocumentClient;
  stop(): Promise<void>;
}

const runtimes: Array<{ name: string; start(logger: Logger): Promise<Cloud> }> = [
  {
    name: 'the local cloud',
    async start(logger) {
      const c = await startTestCloud({ logger });
      const db = dynamoClient({ endpoint: inject('dynamoEndpoint') });
      return { url: c.url, relayUrl: c.url, eventsTable: c.tables.events, db, stop: async () => (db.destroy(), await c.stop()) };
    },
  },
  {
    name: 'the Lambda handlers behind API Gateway',
    async start(logger) {
      const c = await startLambdaCloud({ relaySocketLogger: logger });
      return { url: c.url, relayUrl: c.relayUrl, eventsTable: c.tables.events, db: c.db, stop: () => c.stop() };
    },
  },
];

let cloud: Cloud | undefined;
let relay: Relay | undefined;
let pbx: FakeAmi | undefined;
let receiver: Receiver | undefined;

afterEach(async () => {
  await relay?.stop();
  await pbx?.close();
  await receiver?.close();
  await cloud?.stop();
  relay = pbx = cloud = receiver = undefined;
});

const ext = (n: number) => frame([['Event', 'ExtensionStatus'], ['Privilege', 'call,all'], ['Exten', String(n)], ['Context', 'from-internal'], ['Hint', 'SIP/x'], ['Status', '0'], ['StatusText', 'Idle']]);

async function stored(c: Cloud, siteId: string): Promise<Array<{ seq: number; exten: string }>> {
  const out: Array<{ seq: number; exten: string }> = [];
  for (let shard = 0; shard < EVENT_SHARDS; shard++) {
    let start: Record<string, unknown> | undefined;
    do {
      const r = await c.db.send(
        new QueryCommand({ TableName: c.eventsTable, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': `EV#${siteId}#${shard}` }, ExclusiveStartKey: start, ConsistentRead: true }),
      );
      for (const i of r.Items ?? []) out.push({ seq: Number(i.seq), exten: String(i.data.exten) });
      start = r.LastEvaluatedKey;
    } while (start);
  }
  return out.sort((a, b) => a.seq - b.seq);
}

function relayConf(amiPort: number, c: Cloud, token: string, url = ''): string {
  let conf = expectedConf('api.conf');
  conf = setConf(conf, 'general', { BINDPORT: 0, BINDADDR: '127.0.0.1', URL: url });
  conf = setConf(conf, 'ami', { port: amiPort });
  return setConf(conf, 'cloud', { url: c.relayUrl, token });
}

const lastSession = () => pbx!.sessions[pbx!.sessions.length - 1];

describe.each(runtimes)('a relay with a wiped data directory, on $name', (runtime) => {
  it('is told seq-regression with the mark, numbers above it, and every event of both streams is stored once', async () => {
    const cloudLog = captureLog('info');
    const relayLog = captureLog('info');
    cloud = await runtime.start(cloudLog.logger);
    const ids = await tenantAndSite(api(cloud.url));
    pbx = await startFakeAmi();
    const conf = relayConf(pbx.port, cloud, ids.relayToken);
    const dataDir = tempDir();
    relay = await startTestRelay(conf, { dataDir, logger: relayLog.logger });
    await relay.ami.waitReady();
    for (let i = 0; i < 30; i++) lastSession().send(ext(1000 + i));
    await waitFor(() => relay!.spool.cursor('cloud') === 30, { what: 'the first stream acked', timeoutMs: 15_000 });
    await relay.stop();
    rmSync(dataDir, { recursive: true, force: true });

    relay = await startTestRelay(conf, { dataDir, logger: relayLog.logger });
    await relay.ami.waitReady();
    // Spooled at once, numbered from 1 before the cloud could say anything.
    for (let i = 0; i < 20; i++) lastSession().send(ext(2000 + i));
    await waitFor(() => relay!.spool.seq === 50 && relay!.spool.cursor('cloud') === 50, { what: 'the second stream acked above the mark', timeoutMs: 15_000 });

    const items = await stored(cloud, ids.siteId);
    expect(items.map((i) => i.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(items.map((i) => i.exten)).toEqual([...Array.from({ length: 30 }, (_, i) => String(1000 + i)), ...Array.from({ length: 20 }, (_, i) => String(2000 + i))]);
    // Both sides say so, at error level, with the mark.
    expect(cloudLog.lines.find((l) => l.level === 'error' && /below what this site already stored/.test(l.msg))).toMatchObject({ mark: 30 });
    expect(relayLog.lines.find((l) => l.level === 'error' && /renumbered above its mark/.test(l.msg))).toMatchObject({ mark: 30 });
    // And the site shows it, after the relay is back.
    const site = await api(cloud.url)('GET', `/v1/tenants/${ids.tenantId}/sites/${ids.siteId}`, { token: ids.apiKey });
    expect(site.body.relay).toMatchObject({ connected: true, lastReason: expect.stringMatching(/^seq-regression: this site already stored events up to seq 30; the relay's last seq is \d+: number undelivered events above 30$/) });
  });
});

describe('a relay that gains a [cloud] section after running LAN-only', () => {
  it('uploads only what comes from then on; with backfill = yes, the backlog too', async () => {
    receiver = await startReceiver();
    receiver.status = 503; // the LAN receiver is down: a backlog builds
    cloud = await runtimes[0].start(captureLog('error').logger);
    pbx = await startFakeAmi();
    for (const backfill of ['no', 'yes']) {
      const ids = await tenantAndSite(api(cloud.url));
      const dataDir = tempDir();
      let conf = relayConf(pbx.port, cloud, ids.relayToken, receiver.url);
      const lanOnly = conf.slice(0, conf.indexOf('[cloud]'));
      relay = await startTestRelay(lanOnly, { dataDir });
      await relay.ami.waitReady();
      for (let i = 0; i < 12; i++) lastSession().send(ext(3000 + i));
      await waitFor(() => relay!.spool.durableSeq === 12, { what: 'the LAN backlog spooled' });
      await relay.stop();
      conf = setConf(conf, 'cloud', { backfill });
      relay = await startTestRelay(conf, { dataDir });
      await relay.ami.waitReady();
      for (let i = 0; i < 3; i++) lastSession().send(ext(4000 + i));
      await waitFor(() => relay!.spool.cursor('cloud') === 15, { what: 'the new events acked', timeoutMs: 15_000 });
      const items = await stored(cloud, ids.siteId);
      const fresh = ['4000', '4001', '4002'];
      if (backfill === 'no') expect(items.map((i) => [i.seq, i.exten])).toEqual(fresh.map((e, i) => [13 + i, e]));
      else expect(items.map((i) => i.exten)).toEqual([...Array.from({ length: 12 }, (_, i) => String(3000 + i)), ...fresh]);
      await relay.stop();
      relay = undefined;
    }
  });
});
