import { describe, expect, it } from 'vitest';
import type { BoxEvent, CcCdrEvent, IvrEvent } from '../../../protocol/src/events/box-events.js';
import { queueStatusItems, Scenario, type ChannelRef } from '../../../test/helpers/ami-scenario.js';
import type { AmiMessage } from '../../../ami-codec/src/message.js';
import type { MapperCommand, MapperConfig } from './context.js';
import { EventMapper } from './mapper.js';

const config: MapperConfig = {
  mac: '68:69:2e:03:8b:3e',
  trunks: ['trunk-provider'],
  inboundContexts: ['from-trunk'],
  feedbackContext: 'feedback',
  timezone: 'UTC',
  monitorDir: '/var/spool/asterisk/monitor',
  ivr: new Map([['ivr-main', { id: '610', name: 'working time' }]]),
  pausetime: false,
  wrapupSeconds: 30,
};

const caller: ChannelRef = { channel: 'SIP/801-00000018', uniqueid: '1795513000.42', linkedid: '1795513000.42', num: '801' };
const agent803: ChannelRef = { channel: 'SIP/803-00000019', uniqueid: '1795513001.43', linkedid: '1795513000.42', num: '803' };
const agent804: ChannelRef = { channel: 'SIP/804-0000001a', uniqueid: '1795513010.44', linkedid: '1795513000.42', num: '804' };

function run(mapper: EventMapper, msgs: AmiMessage[]): { events: BoxEvent[]; commands: MapperCommand[] } {
  const events: BoxEvent[] = [];
  const commands: MapperCommand[] = [];
  for (const m of msgs) {
    // The relay's clock reads the same as the PBX's in these scenarios.
    const r = mapper.map(m, Number(m.get('Timestamp')) * 1000);
    events.push(...r.events);
    commands.push(...r.commands);
  }
  return { events, commands };
}

const ccOf = (events: BoxEvent[]) => events.filter((e): e is CcCdrEvent => e.event === 'cc_cdr');

/** A mapper that knows queue 630 with these members (as after the login snapshot). */
function mapperWith(members: Array<{ iface: string; status: number; paused?: boolean }>, cfg: Partial<MapperConfig> = {}): EventMapper {
  const m = new EventMapper({ ...config, ...cfg });
  m.snapshot({ queues: queueStatusItems('630', members), requestedAtMessage: 0 }, 1795512990_000);
  return m;
}

const available = [
  { iface: 'SIP/803', status: 1 },
  { iface: 'SIP/804', status: 1 },
];

/** Caller enters queue 630 at s.t. */
function intoQueue(s: Scenario): AmiMessage[] {
  return [s.newchannel(caller), s.newexten(caller, 'from-internal', '630', 'Goto', 'queues,630,1'), s.newexten(caller, 'queues', '630', 'Queue', '630,t,,,60'), s.queueJoin(caller, '630')];
}

describe('cc_cdr missCause, cdrState and hangupSide', () => {
  it('MEMBER_CANCEL: the caller hangs up 4 s after joining', () => {
    const s = new Scenario();
    const m = mapperWith(available);
    const msgs = intoQueue(s);
    s.at(1);
    msgs.push(s.agent('AgentCalled', caller, agent803, '630', 'SIP/803'), s.dialBegin(caller, agent803, 'SIP/803'));
    s.at(3);
    msgs.push(s.hangupRequest(caller), s.queueAbandon(caller, '630', 4), s.dialEnd(caller, agent803, 'CANCEL'), s.queueLeave(caller, '630'), s.hangup(agent803), s.hangup(caller));
    const { events } = run(m, msgs);
    const [cc] = ccOf(events);
    expect(cc).toMatchObject({ cdrState: 'queue', hangupSide: 'caller', missCause: 'MEMBER_CANCEL', queueTime: '4', agentCode: '', called: '803', queueCode: '630' });
    expect(events.filter((e) => e.event === 'dialend').map((e) => (e as { dialstatus: string }).dialstatus)).toEqual(['cancel']);
  });

  it('NO_AGENT_ANSWER: agents rang (ring time summed) and the caller gave up after 25 s', () => {
    const s = new Scenario();
    const m = mapperWith(available);
    const msgs = intoQueue(s);
    s.at(1);
    msgs.push(s.agent('AgentCalled', caller, agent803, '630', 'SIP/803'));
    s.at(6);
    msgs.push(s.agent('AgentRingNoAnswer', caller, agent803, '630', 'SIP/803', [['RingTime', '6000']]));
    s.at(2);
    msgs.push(s.agent('AgentCalled', caller, agent804, '630', 'SIP/804'));
    s.at(6);
    msgs.push(s.agent('AgentRingNoAnswer', caller, agent804, '630', 'SIP/804', [['RingTime', '5500']]));
    s.at(10);
    msgs.push(s.hangupRequest(caller), s.queueAbandon(caller, '630', 25), s.queueLeave(caller, '630'), s.hangup(caller));
    const [cc] = ccOf(run(m, msgs).events);
    expect(cc).toMatchObject({ missCause: 'NO_AGENT_ANSWER', ringTime: '12', queueTime: '25', called: '804', cdrState: 'queue', hangupSide: 'caller', duration: '25' });
  });

  it('NO_AGENT_LOGIN: every member unavailable when the caller joined', () => {
    const s = new Scenario();
    const m = mapperWith([
      { iface: 'SIP/806', status: 5 },
      { iface: 'SIP/807', status: 4 },
    ]);
    const msgs = intoQueue(s);
    s.at(15);
    msgs.push(s.hangupRequest(caller), s.queueAbandon(caller, '630', 15), s.queueLeave(caller, '630'), s.hangup(caller));
    expect(ccOf(run(m, msgs).events)[0]).toMatchObject({ missCause: 'NO_AGENT_LOGIN', called: '' });
  });

  it('NO_AGENT_LOGIN also for a queue without members', () => {
    const s = new Scenario();
    const m = mapperWith([]);
    const msgs = intoQueue(s);
    s.at(12);
    msgs.push(s.hangupRequest(caller), s.queueAbandon(caller, '630', 12), s.queueLeave(caller, '630'), s.hangup(caller));
    expect(ccOf(run(m, msgs).events)[0].missCause).toBe('NO_AGENT_LOGIN');
  });

  it('NO_ASSIGN: members logged in but all paused, nobody rung; the queue timed out (system)', () => {
    const s = new Scenario();
    const m = mapperWith([
      { iface: 'SIP/803', status: 1, paused: true },
      { iface: 'SIP/804', status: 1, paused: true },
    ]);
    const msgs = intoQueue(s);
    s.at(60);
    msgs.push(s.queueLeave(caller, '630'), s.newexten(caller, 'queues', '630', 'NoOp', 'QUEUESTATUS=TIMEOUT'), s.newexten(caller, 'queues', '630', 'Hangup'), s.hangup(caller));
    expect(ccOf(run(m, msgs).events)[0]).toMatchObject({ missCause: 'NO_ASSIGN', hangupSide: 'system', cdrState: 'queue', queueTime: '60' });
  });

  it('bridged: hangupSide from AgentComplete Reason; ringTime = RingNoAnswer ms + AgentConnect s; hold counted while bridged', () => {
    const s = new Scenario();
    const m = mapperWith(available);
    const msgs = intoQueue(s);
    s.at(1);
    msgs.push(s.agent('AgentCalled', caller, agent803, '630', 'SIP/803'));
    s.at(6);
    msgs.push(s.agent('AgentRingNoAnswer', caller, agent803, '630', 'SIP/803', [['RingTime', '6000']]));
    s.at(2);
    msgs.push(s.agent('AgentCalled', caller, agent804, '630', 'SIP/804'));
    s.at(2);
    msgs.push(
      s.agent('AgentConnect', caller, agent804, '630', 'SIP/804', [
        ['HoldTime', '11'],
        ['RingTime', '2'],
      ]),
    );
    s.at(5);
    msgs.push(s.hold(agent804, true));
    s.at(7);
    msgs.push(s.hold(agent804, false));
    s.at(3);
    msgs.push(s.hold(caller, true));
    s.at(2);
    msgs.push(
      s.agent('AgentComplete', caller, agent804, '630', 'SIP/804', [
        ['HoldTime', '11'],
        ['TalkTime', '17'],
        ['Reason', 'agent'],
      ]),
      s.hangup(agent804),
      s.hangup(caller),
    );
    const [cc] = ccOf(run(m, msgs).events);
    expect(cc).toMatchObject({ cdrState: 'bridged', hangupSide: 'agent', missCause: '', agentCode: '804', called: '804', ringTime: '8', queueTime: '11', talkingTime: '17', holdTime: 9 });
    expect(typeof cc.holdTime).toBe('number');
    expect(typeof cc.pauseTime).toBe('number');
  });

  it('IVR then queue from a trunk: ivr waits for the queue join; cc_cdr has ivr fields, DID and callType', () => {
    const s = new Scenario();
    const m = mapperWith(available);
    const trunk: ChannelRef = { channel: 'SIP/trunk-provider-00000030', uniqueid: '1795513000.60', linkedid: '1795513000.60', num: '4915112345678' };
    const msgs = [s.newchannel(trunk, 'from-trunk', '4930555000'), s.newexten(trunk, 'from-trunk', '4930555000', 'NoOp'), s.newexten(trunk, 'from-trunk', '4930555000', 'Goto', 'ivr-main,s,1')];
    s.at(1);
    msgs.push(s.newexten(trunk, 'ivr-main', 's', 'Answer'));
    s.at(3);
    msgs.push(s.dtmf(trunk, '1', 'ivr-main'), s.newexten(trunk, 'ivr-main', '1', 'Set', 'IVR_CHOICE=sales'));
    s.at(1);
    msgs.push(s.newexten(trunk, 'queues', '630', 'NoOp', 'Sales queue'));
    const before = run(m, msgs).events;
    expect(before.filter((e) => e.event === 'ivr')).toEqual([]); // still waiting for the queue
    s.at(1);
    const joined = run(m, [s.queueJoin(trunk, '630')]).events.filter((e): e is IvrEvent => e.event === 'ivr');
    expect(joined).toHaveLength(1);
    expect(joined[0]).toMatchObject({ uuid: trunk.uniqueid, caller: '4915112345678', callType: 'IN', queueCode: '630', ivrId: '610', ivrName: 'working time', ivrDtmf: '1', trunkNumber: '4930555000', duration: '4', called: '' });
    s.at(3);
    const end = run(m, [s.hangupRequest(trunk), s.queueAbandon(trunk, '630', 3), s.queueLeave(trunk, '630'), s.hangup(trunk)]).events;
    expect(ccOf(end)[0]).toMatchObject({ ivrTime: '4', ivrId: '610', ivrDtmf: '1', trunkNumber: '4930555000', missCause: 'MEMBER_CANCEL', cdrState: 'queue', duration: '9' });
  });

  it('voicemail and a feedback score are reported', () => {
    const s = new Scenario();
    const m = mapperWith(available);
    const msgs = intoQueue(s);
    s.at(60);
    msgs.push(s.queueLeave(caller, '630'), s.newexten(caller, 'queues', '630', 'VoiceMail', '630@default'));
    s.at(20);
    msgs.push(s.newexten(caller, 'feedback', 's', 'Read', 'SCORE'));
    s.at(5);
    msgs.push(s.userEvent(caller, 'Feedback', [['Score', '4']]), s.hangupRequest(caller), s.hangup(caller));
    expect(ccOf(run(m, msgs).events)[0]).toMatchObject({ voicemailState: '1', score: '4', feedbackTime: '5', cdrState: 'feedback', hangupSide: 'caller' });
  });
});

describe('after-call work', () => {
  function bridgedCall(s: Scenario, m: EventMapper) {
    const msgs = intoQueue(s);
    s.at(2);
    msgs.push(s.agent('AgentConnect', caller, agent804, '630', 'SIP/804', [['HoldTime', '2'], ['RingTime', '1']]));
    s.at(10);
    msgs.push(s.hangupRequest(caller), s.agent('AgentComplete', caller, agent804, '630', 'SIP/804', [['HoldTime', '2'], ['TalkTime', '10'], ['Reason', 'caller']]));
    return run(m, msgs);
  }

  it('pauses the agent, waits wrapup_seconds, and reports pauseTime when Asterisk confirms the unpause', () => {
    const s = new Scenario();
    const m = mapperWith(available, { pausetime: true, wrapupSeconds: 30 });
    const first = bridgedCall(s, m);
    expect(first.commands).toEqual([
      { kind: 'pause', member: 'SIP/804' },
      { kind: 'schedule-unpause', member: 'SIP/804', delayMs: 30_000 },
    ]);
    const hang = run(m, [s.member('QueueMemberPause', '630', 'SIP/804', 1, true, 'wrapup'), s.hangup(caller)]);
    expect(ccOf(hang.events)).toEqual([]); // waits for the end of wrap-up
    s.at(30);
    const done = run(m, [s.member('QueueMemberPause', '630', 'SIP/804', 1, false)]);
    expect(ccOf(done.events)[0]).toMatchObject({ pauseTime: 30, talkingTime: '10', hangupSide: 'caller' });
    expect(done.commands).toEqual([{ kind: 'cancel-unpause', member: 'SIP/804' }]);
  });

  it('a manual unpause after 12 s ends the wrap-up early', () => {
    const s = new Scenario();
    const m = mapperWith(available, { pausetime: true });
    bridgedCall(s, m);
    run(m, [s.member('QueueMemberPause', '630', 'SIP/804', 1, true, 'wrapup'), s.hangup(caller)]);
    s.at(12);
    const done = run(m, [s.member('QueueMemberPause', '630', 'SIP/804', 1, false)]);
    expect(ccOf(done.events)[0].pauseTime).toBe(12);
  });

  it('survives a relay restart mid wrap-up: the waiting record is restored and completed', () => {
    const s = new Scenario();
    const before = mapperWith(available, { pausetime: true });
    bridgedCall(s, before);
    run(before, [s.member('QueueMemberPause', '630', 'SIP/804', 1, true, 'wrapup'), s.hangup(caller)]);
    const saved = JSON.parse(JSON.stringify(before.wrapups.pending()));
    const after = mapperWith(available, { pausetime: true });
    after.restoreWrapups(saved);
    s.at(30);
    const done = run(after, [s.member('QueueMemberPause', '630', 'SIP/804', 1, false)]);
    expect(ccOf(done.events)[0]).toMatchObject({ uuid: caller.uniqueid, pauseTime: 30 });
  });

  it('without pausetime nothing is paused and pauseTime is 0', () => {
    const s = new Scenario();
    const m = mapperWith(available);
    const r = bridgedCall(s, m);
    expect(r.commands).toEqual([]);
    expect(ccOf(run(m, [s.hangup(caller)]).events)[0].pauseTime).toBe(0);
  });
});

describe('bounded state', () => {
  it('forgets finished calls after the grace period and expires channels that never hang up', () => {
    const s = new Scenario();
    const m = new EventMapper({ ...config, finishedGraceSec: 60, channelMaxSilenceSec: 3600 });
    for (let i = 0; i < 1000; i++) {
      const a: ChannelRef = { channel: `SIP/801-${i.toString(16).padStart(8, '0')}`, uniqueid: `1795513000.${i * 2}`, linkedid: `1795513000.${i * 2}`, num: '801' };
      const b: ChannelRef = { channel: `SIP/802-${i.toString(16).padStart(8, '0')}`, uniqueid: `1795513000.${i * 2 + 1}`, linkedid: a.uniqueid, num: '802' };
      run(m, [s.newchannel(a), s.newchannel(b), s.dialBegin(a, b, '802'), s.dialEnd(a, b, 'ANSWER'), s.hangup(b), s.hangup(a)]);
    }
    const stuck: ChannelRef = { channel: 'SIP/805-0000ffff', uniqueid: '1795513000.99999', linkedid: '1795513000.99999', num: '805' };
    run(m, [s.newchannel(stuck)]);
    expect(m.stats.channels).toBe(2001);
    const later = run(m, []);
    expect(later.events).toEqual([]);
    m.tick((s.t + 61) * 1000);
    expect(m.stats).toMatchObject({ channels: 1, calls: 1, dials: 0 });
    m.tick((s.t + 3601) * 1000);
    expect(m.stats).toMatchObject({ channels: 1 }); // hung up by expiry, kept for the grace period
    m.tick((s.t + 3601 + 61) * 1000);
    expect(m.stats).toMatchObject({ channels: 0, calls: 0, dials: 0, ccRecords: 0 });
  });
});

describe('snapshot after a reconnect', () => {
  it('finishes calls that ended while AMI was down and reports changed extension states', () => {
    const s = new Scenario();
    const m = mapperWith(available);
    const b: ChannelRef = { channel: 'SIP/802-00000002', uniqueid: '1795513000.2', linkedid: caller.uniqueid, num: '802' };
    run(m, [s.newchannel(caller), s.newchannel(b), s.dialBegin(caller, b, '802'), s.dialEnd(caller, b, 'ANSWER')]);
    m.snapshot({ hints: [], requestedAtMessage: m.messages }, s.t * 1000);
    const hintItem = (exten: string, status: string, text: string) =>
      s.event('ExtensionStatus', [['ActionID', 'x'], ['Exten', exten], ['Context', 'from-internal'], ['Hint', `SIP/${exten}`], ['Status', status], ['StatusText', text]]);
    m.snapshot({ hints: [hintItem('801', '1', 'InUse')], requestedAtMessage: m.messages }, s.t * 1000);
    s.at(30);
    const r = m.snapshot({ channels: [], hints: [hintItem('801', '0', 'Idle')], requestedAtMessage: m.messages }, s.t * 1000);
    expect(r.events.map((e) => e.event)).toEqual(['extensionstatus', 'hangup', 'hangup', 'dialend']);
    expect(r.events.find((e) => e.event === 'dialend')).toMatchObject({ dialstatus: 'hangup', destchannel: 'SIP/802-00000002' });
  });
});

describe('call ids for ordered delivery', () => {
  it('tags every event of a call with its Linkedid, and extension states with none', () => {
    const s = new Scenario();
    const m = mapperWith(available);
    const msgs = intoQueue(s);
    s.at(2);
    msgs.push(s.agent('AgentConnect', caller, agent804, '630', 'SIP/804', [['HoldTime', '2'], ['RingTime', '1']]), s.dialBegin(caller, agent804, 'SIP/804'));
    s.at(5);
    msgs.push(s.hangup(agent804), s.hangup(caller));
    msgs.push(s.event('ExtensionStatus', [['Exten', '804'], ['Context', 'from-internal'], ['Hint', 'SIP/804'], ['Status', '0'], ['StatusText', 'Idle']]));
    const tagged: Array<[string, string | undefined]> = [];
    for (const msg of msgs) {
      const r = m.map(msg, Number(msg.get('Timestamp')) * 1000);
      r.events.forEach((e, i) => tagged.push([e.event, r.calls[i]]));
    }
    // No AgentComplete came: the bridged caller's cc_cdr goes once its wait for one is over.
    const late = m.completeTimeout(caller.uniqueid, (s.t + 2) * 1000);
    late.events.forEach((e, i) => tagged.push([e.event, late.calls[i]]));
    expect(tagged).toEqual([
      ['dialbegin', caller.linkedid],
      ['hangup', caller.linkedid],
      ['dialend', caller.linkedid], // the agent hung up with no DialEnd: the dial ends there
      ['hangup', caller.linkedid],
      ['extensionstatus', undefined],
      ['cc_cdr', caller.linkedid],
    ]);
  });
});
