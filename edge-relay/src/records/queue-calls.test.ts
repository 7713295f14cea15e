import { describe, expect, it } from 'vitest';
import { labFile, labMembers, restartFile, restartMessages, type RestartTranscript } from '../../../test/helpers/asterisk-records.js';
import type { AmiMessage } from '../../../ami-codec/src/message.js';
import { extensionOf } from '../events/names.js';
import { CDR_CSV_RECOMMENDED, CdrCsvDecoder, type CdrCsvRow } from './cdr-csv.js';
import { QueueCallAssembler, queueCcFields, type QueueCall } from './queue-calls.js';
import { QueueLogDecoder, type QueueLogLine } from './queue-log.js';

function lines(bytes: Buffer): QueueLogLine[] {
  return new QueueLogDecoder().push(bytes).map((i) => {
    if (!i.ok) throw i.error;
    return i.record;
  });
}

function rows(bytes: Buffer): CdrCsvRow[] {
  return new CdrCsvDecoder(CDR_CSV_RECOMMENDED).push(bytes).map((i) => {
    if (!i.ok) throw i.error;
    return i.record;
  });
}

function assemble(ls: QueueLogLine[]): QueueCallAssembler {
  const a = new QueueCallAssembler();
  for (const l of ls) a.push(l);
  return a;
}

const members = labMembers();
const memberInterface = (_queue: string, name: string) => members.get(name);

function amiEvents(name: RestartTranscript, event: string): AmiMessage[] {
  return restartMessages(name).filter((m) => m.event === event && !m.has('ActionID'));
}

describe('queue calls from queue_log agree with what AMI reported for the same callers (restart transcripts)', () => {
  for (const name of ['restart-midcall-queue', 'restart-midcall-queue-abandon'] as const) {
    const qlog = lines(restartFile(name, 'queue_log'));
    const calls = assemble(qlog);
    const cdr = rows(restartFile(name, 'Master.csv'));

    it(`${name}: agent, queue time and ring time of AgentConnect`, () => {
      const connects = amiEvents(name, 'AgentConnect');
      for (const e of connects) {
        const call = calls.get(e.get('Uniqueid')!)!;
        // Both ways to name the agent: the member table (QueueStatus) and the caller's answered CDR row.
        expect(queueCcFields(call, { memberInterface })).toMatchObject({ agentCode: extensionOf(e.get('Interface')!), queueTime: e.get('HoldTime'), cdrState: 'bridged', missCause: '' });
        expect(queueCcFields(call, { cdrRows: cdr }).agentCode).toBe(extensionOf(e.get('Interface')!));
        expect(call.agentName).toBe(e.get('MemberName'));
        expect(call.agentUniqueid).toBe(e.get('DestUniqueid'));
      }
      expect(connects.length).toBe(name === 'restart-midcall-queue' ? 2 : 0);
    });

    it(`${name}: talk time and hang-up side of AgentComplete`, () => {
      const completes = amiEvents(name, 'AgentComplete');
      expect(completes.length).toBe(name === 'restart-midcall-queue' ? 4 : 2);
      for (const e of completes) {
        const f = queueCcFields(calls.get(e.get('Uniqueid')!)!, { memberInterface });
        // Callers connected before the login: queue_log still has their CONNECT (AMI had none after login).
        expect(f).toMatchObject({ agentCode: extensionOf(e.get('Interface')!), queueTime: e.get('HoldTime'), talkingTime: e.get('TalkTime'), hangupSide: e.get('Reason') });
      }
    });

    it(`${name}: queue time of QueueCallerAbandon, rung members, and no agent`, () => {
      for (const e of amiEvents(name, 'QueueCallerAbandon')) {
        const id = e.get('Uniqueid')!;
        // AMI shows members were rung for this caller and it waited 10 s or more: the spec's NO_AGENT_ANSWER.
        expect(amiEvents(name, 'AgentCalled').some((c) => c.get('Uniqueid') === id)).toBe(true);
        expect(Number(e.get('HoldTime'))).toBeGreaterThanOrEqual(10);
        expect(queueCcFields(calls.get(id)!, { memberInterface })).toMatchObject({
          queueTime: e.get('HoldTime'),
          cdrState: 'queue',
          agentCode: '',
          hangupSide: 'caller',
          missCause: 'NO_AGENT_ANSWER',
          talkingTime: '0',
        });
      }
    });

    it(`${name}: every AMI ring result after the login is a queue_log line with the same member and ring time`, () => {
      const rna = amiEvents(name, 'AgentRingNoAnswer');
      expect(rna.length).toBeGreaterThan(0);
      const remaining = qlog.filter((l) => l.event === 'RINGNOANSWER');
      for (const e of rna) {
        const i = remaining.findIndex((l) => l.callid === e.get('Uniqueid') && l.agent === e.get('MemberName') && l.data[0] === e.get('RingTime') && l.time === Math.floor(Number(e.get('Timestamp'))));
        expect(i, `${e.get('Uniqueid')} ${e.get('MemberName')} ${e.get('Timestamp')}`).toBeGreaterThanOrEqual(0);
        remaining.splice(i, 1);
      }
    });
  }

  it('ring time sums every attempt, including those before the login (caller A of restart-midcall-queue)', () => {
    const call = assemble(lines(restartFile('restart-midcall-queue', 'queue_log'))).get('1796593197.367')!;
    // RINGNOANSWER 6000 (803) + 0, 0, 0 (805 busy) + 6000, 6000, 6000 (803), then CONNECT ring 1 s.
    expect(queueCcFields(call).ringTime).toBe('25');
    expect(call.membersRung).toBe(8);
  });
});

describe("queue calls from the lab's queue_log, checked against its Master.csv", () => {
  const qlog = lines(labFile('queue_log'));
  const calls = assemble(qlog);
  const cdr = rows(labFile('Master.csv'));

  it('every caller app_queue logged has left the queue and has its CDR rows', () => {
    const all = calls.all();
    expect(all).toHaveLength(qlog.filter((l) => l.event === 'ENTERQUEUE').length);
    for (const c of all) {
      expect(c.left, c.uniqueid).toBeDefined();
      expect(cdr.some((r) => r.uniqueId === c.uniqueid)).toBe(true);
    }
  });

  it("answered callers: queues.conf and the CDR's answered row name the same agent; hold and talk are COMPLETECALLER's", () => {
    const answered = calls.all().filter((c) => c.agentName !== undefined);
    expect(answered.length).toBe(qlog.filter((l) => l.event === 'COMPLETECALLER').length);
    for (const c of answered) {
      const complete = qlog.find((l) => l.callid === c.uniqueid && l.event === 'COMPLETECALLER')!;
      const byName = queueCcFields(c, { memberInterface });
      expect(byName.agentCode).not.toBe('');
      expect(queueCcFields(c, { cdrRows: cdr }).agentCode).toBe(byName.agentCode);
      expect([byName.queueTime, byName.talkingTime, byName.hangupSide]).toEqual([complete.data[0], complete.data[1], 'caller']);
      // The talk started at CONNECT and ended at COMPLETECALLER.
      expect(Math.abs(complete.time - c.connectedSec! - c.talkSec!)).toBeLessThanOrEqual(1);
    }
  });

  const abandoned = (id: string, ctx = {}) => queueCcFields(calls.get(id)!, { memberInterface, ...ctx });

  it('queue 632 has no members: NO_AGENT_LOGIN when the member table says so, NO_ASSIGN from queue_log alone', () => {
    expect(abandoned('1796588197.45', { reachableAtJoin: 0 })).toMatchObject({ queueCode: '632', missCause: 'NO_AGENT_LOGIN', queueTime: '12', called: '', cdrState: 'queue' });
    expect(abandoned('1796588197.45').missCause).toBe('NO_ASSIGN');
  });

  it('631 rang Grace twice, then the caller hung up while she rang: NO_AGENT_ANSWER, called 806', () => {
    expect(abandoned('1796588197.44')).toMatchObject({ missCause: 'NO_AGENT_ANSWER', queueTime: '15', ringTime: '8', called: '806', hangupSide: 'caller' });
  });

  it('a caller hanging up 5 s after joining while 803 rang: MEMBER_CANCEL (RINGCANCELED adds no ring time, as in AMI)', () => {
    expect(abandoned('1796588233.61')).toMatchObject({ missCause: 'MEMBER_CANCEL', queueTime: '5', ringTime: '0', called: '803' });
  });

  it('every member of 631 paused (PAUSE lines before the call): nobody rung, NO_ASSIGN', () => {
    expect(qlog.filter((l) => l.queue === '631' && l.event === 'PAUSE').map((l) => l.agent)).toEqual(['Grace Agent', 'Heidi']);
    expect(abandoned('1796588233.62')).toMatchObject({ missCause: 'NO_ASSIGN', queueTime: '11', ringTime: '0', called: '' });
  });
});

describe('QueueCallAssembler', () => {
  const line = (time: number, callid: string, event: string, data: string[], agent = 'NONE', queue = '630'): QueueLogLine => ({ time, callid, queue, agent, event, data });

  it('keeps a caller that moves to another queue as one record, the last queue winning (as the mapper does)', () => {
    const a = new QueueCallAssembler();
    a.push(line(100, 'u.1', 'ENTERQUEUE', ['', '801', '1']));
    a.push(line(106, 'u.1', 'RINGNOANSWER', ['6000'], 'Dave Agent'));
    a.push(line(160, 'u.1', 'EXITWITHTIMEOUT', ['1', '1', '60']));
    expect(queueCcFields(a.get('u.1')!)).toMatchObject({ queueCode: '630', queueTime: '60', hangupSide: 'caller', missCause: 'NO_AGENT_ANSWER' });
    a.push(line(161, 'u.1', 'ENTERQUEUE', ['', '801', '1'], 'NONE', '631'));
    expect(a.get('u.1')!.left).toBeUndefined();
    a.push(line(165, 'u.1', 'CONNECT', ['4', 'u.2', '2'], 'SIP/806'));
    a.push(line(175, 'u.1', 'COMPLETEAGENT', ['4', '10', '1'], 'SIP/806', '631'));
    const f = queueCcFields(a.take('u.1')!);
    expect(f).toMatchObject({ queueCode: '631', agentCode: '806', called: '806', queueTime: '4', ringTime: '8', talkingTime: '10', hangupSide: 'agent', cdrState: 'bridged' });
    expect(a.size).toBe(0);
  });

  it('a caller that left by key has no hang-up side queue_log can vouch for', () => {
    const a = new QueueCallAssembler();
    a.push(line(100, 'u.1', 'ENTERQUEUE', ['', '801', '1']));
    a.push(line(130, 'u.1', 'EXITWITHKEY', ['5', '1', '1', '30']));
    const f = queueCcFields(a.get('u.1')!);
    expect(f.hangupSide).toBeUndefined();
    expect(f).toMatchObject({ queueTime: '30', missCause: 'NO_ASSIGN' });
  });

  it('a transfer ends the stay with hang-up side transfer and its talk time', () => {
    const a = new QueueCallAssembler();
    a.push(line(100, 'u.1', 'ENTERQUEUE', ['', '801', '1']));
    a.push(line(103, 'u.1', 'CONNECT', ['3', 'u.2', '1'], 'Eve Agent'));
    a.push(line(140, 'u.1', 'BLINDTRANSFER', ['802', 'from-internal', '3', '37', '1'], 'Eve Agent'));
    expect(queueCcFields(a.get('u.1')!, { memberInterface })).toMatchObject({ agentCode: '804', hangupSide: 'transfer', talkingTime: '37' });
  });

  it('holds at most maxCalls records, and forgets silent ones on request', () => {
    const a = new QueueCallAssembler(3);
    for (let i = 0; i < 5; i++) a.push(line(100 + i, `u.${i}`, 'ENTERQUEUE', ['', '801', '1']));
    expect(a.all().map((c: QueueCall) => c.uniqueid)).toEqual(['u.2', 'u.3', 'u.4']);
    expect(a.forgetBefore(104).map((c) => c.uniqueid)).toEqual(['u.2', 'u.3']);
    expect(a.size).toBe(1);
    // Member and system lines change no caller.
    expect(a.push(line(105, 'NONE', 'PAUSE', [''], 'Eve Agent'))).toBeUndefined();
  });
});
