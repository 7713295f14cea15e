/**
 * The mapper's answers to what live AMI does not always give in order or at
 * all: AgentComplete after the caller's Hangup (seen live), a wrap-up that
 * should have begun while the relay was not listening, a queue it never saw.
 * Expected values: the AMI fields the scenario sends (as Asterisk would).
 */
import { describe, expect, it } from 'vitest';
import type { CcCdrEvent } from '../../../protocol/src/events/box-events.js';
import { queueStatusItems, Scenario, type ChannelRef } from '../../../test/helpers/ami-scenario.js';
import type { AmiMessage } from '../../../ami-codec/src/message.js';
import type { QueueCall } from '../records/queue-calls.js';
import type { MapperConfig } from './context.js';
import { EventMapper, type MapResult } from './mapper.js';

const config: MapperConfig = {
  mac: '68:69:2e:03:8b:3e',
  trunks: ['trunk-provider'],
  inboundContexts: ['from-trunk'],
  timezone: 'UTC',
  monitorDir: '/var/spool/asterisk/monitor',
  ivr: new Map(),
  pausetime: true,
  wrapupSeconds: 30,
};

const caller: ChannelRef = { channel: 'SIP/801-00000018', uniqueid: '1795513000.42', linkedid: '1795513000.42', num: '801' };
const agent: ChannelRef = { channel: 'SIP/804-0000001a', uniqueid: '1795513010.44', linkedid: '1795513000.42', num: '804' };

function mapper(cfg: Partial<MapperConfig> = {}): EventMapper {
  const m = new EventMapper({ ...config, ...cfg });
  m.snapshot({ queues: queueStatusItems('630', [{ iface: 'SIP/804', status: 1 }]), requestedAtMessage: 0 }, 1795512990_000);
  return m;
}

function run(m: EventMapper, msgs: AmiMessage[]): MapResult[] {
  return msgs.map((msg) => m.map(msg, Number(msg.get('Timestamp')) * 1000));
}

const cc = (rs: MapResult[]) => rs.flatMap((r) => r.events).filter((e): e is CcCdrEvent => e.event === 'cc_cdr');
const commands = (rs: MapResult[]) => rs.flatMap((r) => r.commands);

/** Caller joins 630 and is connected to 804 after 3 s; talks 16 s; hangs up. */
function bridgedThenHangup(s: Scenario): AmiMessage[] {
  const msgs = [s.newchannel(caller), s.newexten(caller, 'queues', '630', 'Queue', '630,t,,,60'), s.queueJoin(caller, '630')];
  s.at(3);
  msgs.push(s.agent('AgentConnect', caller, agent, '630', 'SIP/804', [['HoldTime', '3'], ['RingTime', '2']]));
  s.at(16);
  msgs.push(s.hangupRequest(caller), s.hangup(caller));
  return msgs;
}

describe('the talk-time race: AgentComplete after the caller\'s Hangup', () => {
  it('the cc_cdr waits for it: talk time and hang-up side from it, and the wrap-up starts', () => {
    const s = new Scenario();
    const m = mapper();
    const first = run(m, bridgedThenHangup(s));
    expect(cc(first)).toEqual([]);
    expect(commands(first)).toEqual([{ kind: 'await-complete', uniqueid: caller.uniqueid, delayMs: 2000 }]);
    const late = run(m, [s.agent('AgentComplete', caller, agent, '630', 'SIP/804', [['HoldTime', '3'], ['TalkTime', '16'], ['Reason', 'caller']])]);
    // After-call work begins on AgentComplete, whatever the order; the record waits for it.
    expect(commands(late)).toEqual([
      { kind: 'pause', member: 'SIP/804' },
      { kind: 'schedule-unpause', member: 'SIP/804', delayMs: 30_000 },
    ]);
    s.at(1);
    run(m, [s.member('QueueMemberPause', '630', 'SIP/804', 1, true, 'wrapup')]);
    s.at(30);
    const done = run(m, [s.member('QueueMemberPause', '630', 'SIP/804', 1, false)]);
    expect(cc(done)[0]).toMatchObject({ talkingTime: '16', hangupSide: 'caller', queueTime: '3', pauseTime: 30, duration: '19' });
    // The timeout that was asked for finds nothing left to do.
    expect(m.completeTimeout(caller.uniqueid, (s.t + 1) * 1000).events).toEqual([]);
  });

  it('without it, the record goes when the wait is over, marked partial (its talk time is unknown)', () => {
    const s = new Scenario();
    const m = mapper({ pausetime: false });
    run(m, bridgedThenHangup(s));
    const r = m.completeTimeout(caller.uniqueid, (s.t + 2) * 1000);
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({ event: 'cc_cdr', talkingTime: '0', agentCode: '804', duration: '19' });
    expect(r.marks[0]).toEqual({ partial: true });
  });
});

describe('a wrap-up that should have begun while the relay was not listening', () => {
  const completed = (endSec: number): QueueCall => ({
    uniqueid: caller.uniqueid,
    queue: '630',
    callerNum: '801',
    enteredSec: 1795513000,
    membersRung: 0,
    ringMs: 0,
    agentName: 'SIP/804',
    connectedSec: 1795513003,
    queueSec: 3,
    talkSec: 16,
    left: { event: 'COMPLETECALLER', sec: endSec },
    lastSec: endSec,
    seeded: true,
  });

  it('is started for what is left of it when the relay comes back within it', () => {
    const s = new Scenario();
    const m = mapper();
    run(m, bridgedThenHangup(s).slice(0, 4)); // connected, then the relay stopped listening
    const back = (1795513019 + 10) * 1000; // 10 s after the call ended, of 30
    const r = m.fillQueueCall(completed(1795513019), () => undefined, back);
    expect(r.commands).toEqual([
      { kind: 'pause', member: 'SIP/804' },
      { kind: 'schedule-unpause', member: 'SIP/804', delayMs: 20_000 },
    ]);
  });

  it('is accounted for when it would be over already: no pause, pauseTime 0', () => {
    const s = new Scenario();
    const m = mapper();
    run(m, bridgedThenHangup(s).slice(0, 4));
    const r = m.fillQueueCall(completed(1795513019), () => undefined, (1795513019 + 45) * 1000);
    expect(r.commands).toEqual([]);
    const closed = m.closeGone(caller.uniqueid, { endSec: 1795513019 }, (1795513019 + 45) * 1000);
    const record = closed.events.find((e) => e.event === 'cc_cdr') as CcCdrEvent;
    expect(record).toMatchObject({ talkingTime: '16', pauseTime: 0, hangupSide: 'caller', hangupCause: '' });
    expect(closed.marks[closed.events.indexOf(record)]).toEqual({ recovered: true, partial: true });
  });
});

describe('a caller joining a queue the relay has never seen', () => {
  it('asks QueueStatus for it, and the answer decides NO_AGENT_LOGIN', () => {
    const s = new Scenario();
    const m = mapper();
    const joined = run(m, [s.newchannel(caller), s.newexten(caller, 'queues', '640', 'Queue', '640,t,,,60'), s.queueJoin(caller, '640')]);
    expect(commands(joined)).toEqual([{ kind: 'queue-status', queue: '640' }]);
    m.queueStatus('640', queueStatusItems('640', [{ iface: 'SIP/809', status: 5 }]), m.messages);
    s.at(20);
    const gone = run(m, [s.hangupRequest(caller), s.queueAbandon(caller, '640', 20), s.hangup(caller)]);
    expect(cc(gone)[0]).toMatchObject({ queueCode: '640', missCause: 'NO_AGENT_LOGIN', queueTime: '20' });
    // Asked once: a second caller finds the queue known.
    const second: ChannelRef = { ...caller, channel: 'SIP/802-0000001b', uniqueid: '1795513050.50', linkedid: '1795513050.50', num: '802' };
    expect(commands(run(m, [s.newchannel(second), s.queueJoin(second, '640')]))).toEqual([]);
  });
});
