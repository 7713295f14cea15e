/**
 * A relay with no saved state logging in while calls are up (the real
 * "restart mid-call" transcripts of test/fixtures/asterisk-records/restart):
 * from the snapshot and what follows it, every call in progress still ends
 * with its events. Expected values are Asterisk's own: queue_log's CONNECT /
 * COMPLETECALLER / ABANDON lines and the README's account of each transcript.
 */
import { describe, expect, it } from 'vitest';
import type { AmiMessage } from '../../../ami-codec/src/message.js';
import type { CcCdrEvent, DialEndEvent, IvrEvent } from '../../../protocol/src/events/box-events.js';
import { restartMessages, type RestartTranscript } from '../../../test/helpers/asterisk-records.js';
import type { MapperConfig } from './context.js';
import { EventMapper, type MapResult } from './mapper.js';

const config: MapperConfig = {
  mac: '68:69:2e:03:8b:3e',
  trunks: ['trunk-provider'],
  inboundContexts: ['from-trunk'],
  timezone: 'UTC',
  monitorDir: '/var/spool/asterisk/monitor',
  ivr: new Map([['ivr-main', { id: '700', name: 'Main menu' }]]),
  pausetime: false,
  wrapupSeconds: 30,
};

/** The transcript as the relay lives it: its login snapshot (list items by ActionID), then every event after it. */
function replay(name: RestartTranscript): Array<{ event: MapResult['events'][number]; partial: boolean; call?: string }> {
  const all = restartMessages(name);
  const list = (n: number) => all.filter((m) => m.get('ActionID') === `${name}-${n}`);
  const events = all.filter((m) => m.kind === 'event' && !m.has('ActionID') && m.has('Timestamp'));
  const at = (m: AmiMessage) => Number(m.get('Timestamp')) * 1000;
  const mapper = new EventMapper(config);
  const out: MapResult[] = [mapper.snapshot({ queues: list(2), hints: list(3), channels: list(4), status: list(5), requestedAtMessage: 0 }, at(events[0]) - 500)];
  for (const m of events) out.push(mapper.map(m, at(m)));
  // Bridged callers whose AgentComplete never comes would wait; here every one comes.
  expect(mapper.stats.ccRecords).toBe(0);
  return out.flatMap((r) => r.events.map((event, i) => ({ event, partial: r.marks[i]?.partial === true, call: r.calls[i] })));
}

const cc = (got: ReturnType<typeof replay>) => new Map(got.filter((g) => g.event.event === 'cc_cdr').map((g) => [(g.event as CcCdrEvent).uuid, g]));

describe('no saved state, calls up at login (restart transcripts)', () => {
  it('restart-midcall-queue: a cc_cdr per queue caller, queue time from HoldTime (pre-login wait included), agent and talk time from AgentComplete', () => {
    const got = cc(replay('restart-midcall-queue'));
    expect([...got.keys()].sort()).toEqual(['1796593197.367', '1796593199.369', '1796593200.371', '1796593201.373']);
    const fields = (id: string) => {
      const e = got.get(id)!.event as CcCdrEvent;
      return { caller: e.caller, queueCode: e.queueCode, agentCode: e.agentCode, cdrState: e.cdrState, queueTime: e.queueTime, talkingTime: e.talkingTime, hangupSide: e.hangupSide, trunkNumber: e.trunkNumber, missCause: e.missCause };
    };
    // queue_log: B CONNECT Eve 2, COMPLETECALLER 2|16; C CONNECT Alice 2, COMPLETECALLER 2|43;
    // D CONNECT Eve 18, COMPLETECALLER 18|7; A CONNECT Eve 39, COMPLETECALLER 39|18. The DID only Status gave.
    const bridged = { queueCode: '630', cdrState: 'bridged', hangupSide: 'caller', missCause: '' };
    expect(fields('1796593199.369')).toEqual({ ...bridged, caller: '0612345602', agentCode: '804', queueTime: '2', talkingTime: '16', trunkNumber: '4930555630' });
    expect(fields('1796593200.371')).toEqual({ ...bridged, caller: '0612345603', agentCode: '800', queueTime: '2', talkingTime: '43', trunkNumber: '4930555630' });
    expect(fields('1796593201.373')).toEqual({ ...bridged, caller: '801', agentCode: '804', queueTime: '18', talkingTime: '7', trunkNumber: '' });
    expect(fields('1796593197.367')).toEqual({ ...bridged, caller: '0612345601', agentCode: '804', queueTime: '39', talkingTime: '18', trunkNumber: '4930555630' });
    // What happened before the login (rings, the connect time) is not known: each says so.
    for (const g of got.values()) expect(g.partial).toBe(true);
  });

  it('restart-midcall-queue-abandon: waiting callers who give up get queue time from QueueCallerAbandon, the talking ones from AgentComplete', () => {
    const got = cc(replay('restart-midcall-queue-abandon'));
    const pick = (id: string) => {
      const e = got.get(id)!.event as CcCdrEvent;
      return [e.cdrState, e.agentCode, e.queueTime, e.talkingTime, e.hangupSide, e.missCause];
    };
    // queue_log: D ABANDON …|24, A ABANDON …|29, B COMPLETECALLER 1|38, C COMPLETECALLER 2|48.
    expect(pick('1796593533.6')).toEqual(['queue', '', '24', '0', 'caller', 'NO_AGENT_ANSWER']);
    expect(pick('1796593529.0')).toEqual(['queue', '', '29', '0', 'caller', 'NO_AGENT_ANSWER']);
    expect(pick('1796593530.2')).toEqual(['bridged', '804', '1', '38', 'caller', '']);
    expect(pick('1796593532.4')).toEqual(['bridged', '800', '2', '48', 'caller', '']);
    expect(got.size).toBe(4);
  });

  it('restart-midcall-ivr-trunk: an ivr (and a cc_cdr) for the IVR caller with the DID from Status, and the dialend of the dial ringing at login', () => {
    const got = replay('restart-midcall-ivr-trunk');
    const ivr = got.filter((g) => g.event.event === 'ivr');
    expect(ivr).toHaveLength(1);
    const visit = ivr[0].event as IvrEvent;
    // The 9 pressed before the login is not known; 2, then 1234# after it are.
    expect({ uuid: visit.uuid, ivrDtmf: visit.ivrDtmf, trunkNumber: visit.trunkNumber, callType: visit.callType, ivrId: visit.ivrId }).toEqual({
      uuid: '1796593302.408',
      ivrDtmf: '21234#',
      trunkNumber: '4930555000',
      callType: 'IN',
      ivrId: '700',
    });
    expect(ivr[0].partial).toBe(true);
    const ccIvr = cc(got).get(visit.uuid)!;
    expect((ccIvr.event as CcCdrEvent).cdrState).toBe('ivr');
    expect(ccIvr.partial).toBe(true);
    // 801 → 802 rang at login and was answered after it: one dialend when the call ends.
    const dialends = got.filter((g) => g.event.event === 'dialend').map((g) => g.event as DialEndEvent);
    expect(dialends.map((d) => [d.calleridnum, d.destcalleridnum, d.dialstatus])).toEqual([['801', '802', 'hangup']]);
  });
});
