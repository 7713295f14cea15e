/**
 * The simulator's Master.csv and queue_log, read back with the relay's own
 * parsers: they give the same box cdr and the same queue part of cc_cdr as
 * the AMI events the simulator sent for the same calls, their values agree
 * with those events line by line, and their shapes are those of the real
 * files Asterisk 20 wrote (test/fixtures/asterisk-records).
 */

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CcCdrEvent, CdrEvent } from '../../protocol/src/events/box-events.js';
import type { AmiMessage } from '../../ami-codec/src/message.js';
import type { MapperConfig } from '../../edge-relay/src/events/context.js';
import { EventMapper } from '../../edge-relay/src/events/mapper.js';
import { CDR_CSV_RECOMMENDED, CdrCsvDecoder, type CdrCsvRow } from '../../edge-relay/src/records/cdr-csv.js';
import { cdrEventsFromRows } from '../../edge-relay/src/records/cdr-events.js';
import { QueueCallAssembler, queueCcFields } from '../../edge-relay/src/records/queue-calls.js';
import { QueueLogDecoder, type QueueLogLine } from '../../edge-relay/src/records/queue-log.js';
import { labFile, restartFile, RESTART_TRANSCRIPTS } from '../helpers/asterisk-records.js';
import { ManualClock } from '../../protocol/src/clock.js';
import { startSimulator, type PbxSimulator } from '../../simulator/src/index.js';
import { AmiTestClient } from '../../simulator/src/testing/ami-test-client.js';
import { AsteriskRecords } from '../../simulator/src/records/asterisk-records.js';

const config: MapperConfig = {
  mac: '68:69:2e:03:8b:3e',
  trunks: ['trunk-provider'],
  inboundContexts: ['from-trunk'],
  feedbackContext: 'feedback',
  monitorDir: '/var/spool/asterisk/monitor',
  ivr: new Map([['ivr-main', { id: '700', name: 'Main menu' }]]),
  pausetime: false,
  wrapupSeconds: 30,
  // The simulated day is longer than the default 60 s memory of finished calls.
  finishedGraceSec: 3600,
};

let dir: string;
let sim: PbxSimulator;
let ami: AmiMessage[];
let csvText: string;
let qlogText: string;
let members: Map<string, string>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sim-records-'));
  sim = await startSimulator({ timeScale: 0.01, timestampEvents: true, cdrCsvPath: join(dir, 'Master.csv'), queueLogPath: join(dir, 'queue_log') });
  const client = await AmiTestClient.connect(sim.port);
  await client.login();
  const status = await client.action('QueueStatus');
  members = new Map(status.events.filter((e) => e.event === 'QueueMember').map((e) => [e.get('Name')!, e.get('Location')!]));
  await sim.call('801', '802');
  await sim.call('801', '805');
  await sim.queueCall('801', '630');
  await sim.queueCall('802', '630', { abandonAfterMs: 8000 });
  await sim.queueCall('806', '630', { abandonAfterMs: 16_000, agents: { '804': 'noanswer' } });
  await sim.queueCall('800', '631', { maxWaitMs: 12_000 });
  await sim.queueCall('808', '631', { abandonAfterMs: 2000 });
  await sim.trunkInbound('0612345601', '4930555630', { queue: { hangupBy: 'agent', talkMs: 4000 } });
  await sim.ivrCall('801', '1', { then: { queue: { talkMs: 3000 } } });
  await sim.trunkOutbound('801', '0049301234567');
  // A wrap-up as the relay does it: every queue, then back.
  await client.action('QueuePause', { Interface: 'SIP/804', Paused: 'true', Reason: 'wrapup' });
  await client.action('QueuePause', { Interface: 'SIP/804', Paused: 'false' });
  await client.action('Ping');
  ami = client.events();
  client.close();
  csvText = readFileSync(join(dir, 'Master.csv'), 'utf8');
  qlogText = readFileSync(join(dir, 'queue_log'), 'utf8');
}, 60_000);

afterAll(async () => {
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

function rows(): CdrCsvRow[] {
  return new CdrCsvDecoder(CDR_CSV_RECOMMENDED).push(Buffer.from(csvText)).map((i) => {
    if (!i.ok) throw i.error;
    return i.record;
  });
}

function qlines(text = qlogText): QueueLogLine[] {
  return new QueueLogDecoder().push(Buffer.from(text)).map((i) => {
    if (!i.ok) throw i.error;
    return i.record;
  });
}

function mapAmi(): { cdr: CdrEvent[]; cc: CcCdrEvent[]; mapper: EventMapper } {
  const mapper = new EventMapper(config);
  const cdr: CdrEvent[] = [];
  const cc: CcCdrEvent[] = [];
  for (const m of ami) {
    for (const e of mapper.map(m, 0).events) {
      if (e.event === 'cdr') cdr.push(e);
      if (e.event === 'cc_cdr') cc.push(e);
    }
  }
  return { cdr, cc, mapper };
}

const sec = (m: AmiMessage) => Math.floor(Number(m.get('Timestamp')));

describe('simulator records → relay parsers → the same box events as AMI', () => {
  it('Master.csv: one row per Cdr event, giving the same box cdr (recordfile only while the relay remembers the channel)', () => {
    const fromAmi = mapAmi();
    const csvRows = rows();
    // The caller abandoned between two ring attempts: its CDRs ended with the attempt, were posted at its hang-up.
    const calls = new QueueCallAssembler();
    for (const l of qlines()) calls.push(l);
    const lastSeenSec = (u: string) => calls.get(u)?.lastSec;
    expect(csvRows).toHaveLength(ami.filter((m) => m.event === 'Cdr').length);
    expect(csvRows.length).toBeGreaterThanOrEqual(12);
    // A relay that still remembers the calls (AMI dropped briefly): every field, recordfile included.
    const remembered = cdrEventsFromRows(fromAmi.mapper, csvRows, { settings: CDR_CSV_RECOMMENDED, lastSeenSec });
    // A relay that knew nothing of them (it was down): no MixMonitor file name.
    const fresh = cdrEventsFromRows(new EventMapper(config), csvRows, { settings: CDR_CSV_RECOMMENDED, lastSeenSec });
    expect(fromAmi.cdr.some((e) => e.recordfile !== '')).toBe(true);
    fromAmi.cdr.forEach((a, i) => {
      expect({ ...remembered[i].event, timestamp: '' }).toEqual({ ...a, timestamp: '' });
      expect(remembered[i].event.timestamp).toBe(`${Math.floor(Number(a.timestamp))}.000000`);
      expect({ ...fresh[i].event, timestamp: '', recordfile: a.recordfile }).toEqual({ ...a, timestamp: '' });
    });
  });

  it('queue_log: the queue part of every cc_cdr equals the one the mapper built from AMI', () => {
    const { cc } = mapAmi();
    const calls = new QueueCallAssembler();
    for (const l of qlines()) calls.push(l);
    const queued = cc.filter((e) => e.queueCode !== '');
    expect(queued.map((e) => e.cdrState).sort()).toEqual(['bridged', 'bridged', 'bridged', 'queue', 'queue', 'queue', 'queue']);
    expect(new Set(queued.map((e) => e.missCause))).toEqual(new Set(['', 'NO_AGENT_ANSWER', 'MEMBER_CANCEL']));
    for (const e of queued) {
      const call = calls.get(e.uuid);
      expect(call, e.uuid).toBeDefined();
      const f = queueCcFields(call!, { memberInterface: (_q, name) => members.get(name), cdrRows: rows() });
      expect(f).toEqual({
        queueCode: e.queueCode,
        agentCode: e.agentCode,
        called: e.called,
        cdrState: e.cdrState,
        queueTime: e.queueTime,
        ringTime: e.ringTime,
        talkingTime: e.talkingTime,
        missCause: e.missCause,
        hangupSide: e.hangupSide,
      });
    }
  });
});

describe("the simulator's queue_log agrees with its AMI events", () => {
  const find = (name: string, pred: (m: AmiMessage) => boolean) => ami.filter((m) => m.event === name && pred(m));

  it('every caller line has its AMI event, same second, same values', () => {
    const lines = qlines();
    expect(lines[0]).toMatchObject({ callid: 'NONE', queue: 'NONE', event: 'QUEUESTART' });
    for (const l of lines) {
      const u = (m: AmiMessage) => m.get('Uniqueid') === l.callid && sec(m) === l.time;
      const d = l.data;
      const match: Record<string, () => AmiMessage[]> = {
        ENTERQUEUE: () => find('QueueCallerJoin', (m) => u(m) && m.get('Queue') === l.queue && m.get('Position') === d[2] && m.get('CallerIDNum') === d[1]),
        RINGNOANSWER: () => find('AgentRingNoAnswer', (m) => u(m) && m.get('MemberName') === l.agent && m.get('RingTime') === d[0]),
        RINGCANCELED: () => find('DialEnd', (m) => u(m) && m.get('DialStatus') === 'CANCEL'),
        CONNECT: () => find('AgentConnect', (m) => u(m) && m.get('MemberName') === l.agent && m.get('HoldTime') === d[0] && m.get('DestUniqueid') === d[1] && m.get('RingTime') === d[2]),
        COMPLETECALLER: () => find('AgentComplete', (m) => u(m) && m.get('Reason') === 'caller' && m.get('HoldTime') === d[0] && m.get('TalkTime') === d[1]),
        COMPLETEAGENT: () => find('AgentComplete', (m) => u(m) && m.get('Reason') === 'agent' && m.get('HoldTime') === d[0] && m.get('TalkTime') === d[1]),
        ABANDON: () => find('QueueCallerAbandon', (m) => u(m) && m.get('Position') === d[0] && m.get('OriginalPosition') === d[1] && m.get('HoldTime') === d[2]),
        EXITWITHTIMEOUT: () => find('QueueCallerAbandon', (m) => u(m) && m.get('HoldTime') === d[2]),
        PAUSE: () => find('QueueMemberPause', (m) => sec(m) === l.time && m.get('Queue') === l.queue && m.get('MemberName') === l.agent && m.get('Paused') === '1'),
        UNPAUSE: () => find('QueueMemberPause', (m) => sec(m) === l.time && m.get('Queue') === l.queue && m.get('MemberName') === l.agent && m.get('Paused') === '0'),
      };
      if (l.event === 'QUEUESTART' || l.event === 'PAUSEALL' || l.event === 'UNPAUSEALL') continue;
      expect(match[l.event], l.event).toBeDefined();
      expect(match[l.event]().length, JSON.stringify(l)).toBeGreaterThan(0);
    }
    const events = new Set(lines.map((l) => l.event));
    for (const e of ['ENTERQUEUE', 'RINGNOANSWER', 'RINGCANCELED', 'CONNECT', 'COMPLETECALLER', 'COMPLETEAGENT', 'ABANDON', 'EXITWITHTIMEOUT', 'PAUSEALL', 'PAUSE', 'UNPAUSEALL', 'UNPAUSE']) expect(events).toContain(e);
  });

  it('a pause without a queue is one PAUSEALL, then a PAUSE per queue, as set_member_paused logs it', () => {
    const pauses = qlines().filter((l) => /PAUSE/.test(l.event));
    expect(pauses.map((l) => [l.queue, l.agent, l.event, l.data[0]])).toEqual([
      ['NONE', 'Eve Agent', 'PAUSEALL', 'wrapup'],
      ['630', 'Eve Agent', 'PAUSE', 'wrapup'],
      ['NONE', 'Eve Agent', 'UNPAUSEALL', ''],
      ['630', 'Eve Agent', 'UNPAUSE', ''],
    ]);
  });
});

/** A record's field kinds: q(uoted text), d(ate quoted), n(umber bare), e(mpty bare). */
function csvShape(line: string): string {
  return (line.match(/("(?:[^"]|"")*"|[^,]*)(?:,|$)/g) ?? [])
    .map((f) => f.replace(/,$/, ''))
    .map((f) => (f === '' ? 'e' : /^"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"$/.test(f) ? 'd' : f.startsWith('"') ? 'q' : /^\d+$/.test(f) ? 'n' : '?'))
    .join('');
}

describe("the simulator's files have the shapes of Asterisk 20's", () => {
  const realCsv = [labFile('Master.csv').toString(), ...RESTART_TRANSCRIPTS.map((n) => restartFile(n, 'Master.csv').toString())].join('');
  const realQlog = [labFile('queue_log').toString(), restartFile('restart-midcall-queue', 'queue_log').toString(), restartFile('restart-midcall-queue-abandon', 'queue_log').toString()].join('');

  it('Master.csv: every record has a field layout (quoting, bare numbers, empty answer) found in the real file', () => {
    const real = new Set(realCsv.split('\n').filter(Boolean).map(csvShape));
    const mine = csvText.split('\n').filter(Boolean).map(csvShape);
    expect(mine.length).toBeGreaterThan(0);
    for (const s of mine) expect(real, s).toContain(s);
  });

  it('queue_log: every event the real files have comes with the same number of data fields', () => {
    const realCounts = new Map<string, Set<number>>();
    for (const l of qlines(realQlog)) realCounts.set(l.event, (realCounts.get(l.event) ?? new Set()).add(l.data.length));
    for (const l of qlines()) {
      const real = realCounts.get(l.event);
      if (real) expect(real, `${l.event} ${l.data.length}`).toContain(l.data.length);
      expect(l.callid).toMatch(l.event === 'QUEUESTART' || /PAUSE/.test(l.event) ? /^NONE$/ : /^\d+\.\d+$/);
    }
  });

  it('logger rotate: queue_log is renamed to queue_log.0 and the next line starts a new file', async () => {
    const rotated = sim.rotateQueueLog();
    expect(rotated).toBe(join(dir, 'queue_log.0'));
    expect(readFileSync(rotated!, 'utf8')).toBe(qlogText);
    expect(existsSync(join(dir, 'queue_log'))).toBe(false);
    await sim.queueCall('801', '630', { talkMs: 1000 });
    expect(qlines(readFileSync(join(dir, 'queue_log'), 'utf8'))[0].event).toBe('ENTERQUEUE');
  });
});

describe('AsteriskRecords', () => {
  it("drops a CDR cdr_csv's 1024-byte buffer cannot hold, and a file it cannot write, with a warning; the PBX goes on", () => {
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (m: string) => warnings.push(m), child: () => logger };
    const r = new AsteriskRecords({ cdrCsvPath: join(dir, 'Master-big.csv'), queueLogPath: join(dir, 'no-such-folder', 'queue_log') }, new ManualClock(1796596000_000), logger);
    r.cdr([['UniqueID', '1.1'], ['UserField', 'x'.repeat(1000)]]);
    expect(existsSync(join(dir, 'Master-big.csv'))).toBe(false);
    r.cdr([['UniqueID', '1.2'], ['UserField', 'x'.repeat(900)]]);
    expect(readFileSync(join(dir, 'Master-big.csv'), 'utf8')).toContain('"1.2"');
    r.queueStart(); // its folder does not exist
    expect(warnings).toEqual(['Unable to create CSV record in 1024 bytes.  CDR not recorded!', 'Unable to write Asterisk record']);
  });
});
