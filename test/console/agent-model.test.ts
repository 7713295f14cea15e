/**
 * The agent toolbar's pure parts: the screen pop followed through the box
 * events of real recordings (test/fixtures/expected: the events the relay
 * pushes for them, written by hand from the AMI), the extension's queues and
 * call from a live state, and the after-call countdown.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fillPopUrl } from '../../protocol/src/box-api/pop-url.js';
import { emptyLiveState, type LiveState } from '../../protocol/src/live/state.js';
import { callOf, clock, extensionOf, membershipsOf, secondsLeft, wrapupEndsAt, wrapupLeft } from '../../console/src/agent/extension.js';
import { applyEvent, emptyPopModel, popTemplate, popValues, popWithQueue, POP_LIMITS, type PopModel } from '../../console/src/agent/screen-pop.js';

type Ev = Record<string, unknown>;
const fixture = (name: string): Ev[] => (JSON.parse(readFileSync(new URL(`../fixtures/expected/${name}.json`, import.meta.url), 'utf8')) as { events: Ev[] }).events;
const feed = (model: PopModel, events: Ev[], live?: LiveState) => events.reduce((m, data) => applyEvent(m, { occurredAt: '2026-11-24T09:39:46.000Z', data }, live), model);

/** queue-answered: 801 calls queue 630; 803 rings and does not answer; 804 answers; 801 hangs up. */
const QUEUE_CALL = '1795513177.42';
const waitingIn630: LiveState = {
  ...emptyLiveState(),
  queues: { '630': { name: '630', members: {}, callers: { [QUEUE_CALL]: { uniqueid: QUEUE_CALL, number: '801', position: 1, since: '2026-11-24T09:39:37.000Z' } } } },
};

describe('the screen pop', () => {
  it('pops for the extension rung, with caller, queue and the call id; answered, then ended by the hangup', () => {
    const events = fixture('queue-answered');
    const ringing = events.findIndex((e) => e.event === 'dialbegin' && e.destcalleridnum === '804');
    let m = feed(emptyPopModel('804'), events.slice(0, ringing + 1), waitingIn630);
    expect(m.pop).toMatchObject({ uniqueid: QUEUE_CALL, caller: '801', called: '804', queue: '630', phase: 'ringing', ivr: [] });
    expect(popValues(m.pop!)).toEqual({ caller: '801', called: '804', uniqueid: QUEUE_CALL, queue: '630' });
    const answered = events.findIndex((e) => e.event === 'extensionstatus' && e.exten === '804' && e.status === '1');
    m = feed(m, events.slice(ringing + 1, answered + 1), waitingIn630);
    expect(m.pop?.phase).toBe('answered');
    m = feed(m, events.slice(answered + 1), waitingIn630);
    expect(m.pop?.phase).toBe('ended');
  });

  it('takes the queue from a live state that arrives after the dialbegin (state and events travel apart)', () => {
    const events = fixture('queue-answered');
    const ringing = events.findIndex((e) => e.event === 'dialbegin' && e.destcalleridnum === '804');
    const m = feed(emptyPopModel('804'), events.slice(0, ringing + 1));
    expect(m.pop?.queue).toBeUndefined();
    expect(popWithQueue(m.pop, emptyLiveState())?.queue).toBeUndefined();
    expect(popValues(popWithQueue(m.pop, waitingIn630)!)).toEqual({ caller: '801', called: '804', uniqueid: QUEUE_CALL, queue: '630' });
  });

  it('shows the call another agent did not answer as missed, and nothing to an extension not rung', () => {
    const events = fixture('queue-answered');
    const m803 = feed(emptyPopModel('803'), events, waitingIn630);
    expect(m803.pop).toMatchObject({ uniqueid: QUEUE_CALL, caller: '801', called: '803', phase: 'missed' });
    expect(feed(emptyPopModel('805'), events, waitingIn630).pop).toBeUndefined();
  });

  it('carries the IVR path the caller took to the pop, and the queue the IVR sent it to', () => {
    const ivr = fixture('ivr-dtmf-rfc2833').filter((e) => e.event === 'ivr');
    expect(ivr.length).toBeGreaterThan(0);
    const uuid = String(ivr[0].uuid);
    // The same caller then rings 804 (the dialbegin of queue-answered, for this call).
    const dial = { ...fixture('queue-answered').find((e) => e.event === 'dialbegin' && e.destcalleridnum === '804')!, uniqueid: uuid };
    const m = feed(emptyPopModel('804'), [...ivr, { ...ivr[0], ivrId: '610', ivrName: 'working time', ivrDtmf: '0', queueCode: '631' }, dial]);
    expect(m.pop?.ivr).toEqual([...ivr.map((e) => ({ id: e.ivrId, name: e.ivrName, dtmf: e.ivrDtmf })), { id: '610', name: 'working time', dtmf: '0' }]);
    expect(m.pop?.queue).toBe('631');
  });

  it('does not pop for click-to-call ringing the agent first (an Originate has no caller), and keeps bounded memory', () => {
    const originate = fixture('action-originate-failure').find((e) => e.event === 'dialbegin')!;
    expect(originate.calleridnum).toBe('');
    expect(feed(emptyPopModel(String(originate.destcalleridnum)), [originate]).pop).toBeUndefined();
    const many = Array.from({ length: POP_LIMITS.calls + 10 }, (_, i) => ({ event: 'ivr', uuid: `c${i}`, ivrId: '1', ivrName: 'm', ivrDtmf: '1', queueCode: '' }));
    const m = feed(emptyPopModel('804'), many);
    expect(m.ivr.length).toBe(POP_LIMITS.calls);
    expect(m.ivr[0].uniqueid).toBe('c10');
  });

  it("fills the site's own template, else the relay's, with the pop's values", () => {
    const pop = feed(emptyPopModel('804'), fixture('queue-answered'), waitingIn630).pop!;
    const relay = { popUrl: 'http://crm.local/pop?from={caller}&q={queue}' };
    expect(popTemplate({ popUrl: null, relay })).toBe(relay.popUrl);
    expect(popTemplate({ popUrl: 'https://crm.example.com/c/{uniqueid}?to={called}', relay })).toBe('https://crm.example.com/c/{uniqueid}?to={called}');
    expect(popTemplate({ popUrl: null, relay: { popUrl: null } })).toBeUndefined();
    expect(fillPopUrl(popTemplate({ popUrl: null, relay })!, popValues(pop))).toBe('http://crm.local/pop?from=801&q=630');
  });
});

describe("the extension's part of the live state", () => {
  const state: LiveState = {
    extensions: {},
    queues: {
      '631': { name: '631', members: { 'sip/804': { interface: 'sip/804', paused: false, inCall: false } }, callers: {} },
      '630': {
        name: '630',
        members: {
          'sip/804': { interface: 'sip/804', paused: true, pausedReason: 'wrapup', inCall: false, lastCall: '2026-11-24T09:40:00.000Z' },
          'sip/8040': { interface: 'sip/8040', paused: false, inCall: false },
        },
        callers: {},
      },
    },
    calls: {
      c1: {
        id: 'c1',
        channels: [
          { uniqueid: 'a', name: 'SIP/801-00000018', state: '6', callerNum: '801' },
          { uniqueid: 'b', name: 'SIP/804-0000001a', state: '6', callerNum: '804' },
        ],
        caller: { number: '801' },
        state: 'up',
        startedAt: '2026-11-24T09:39:46.000Z',
        onHold: false,
      },
    },
  };

  it('names the extension of devices, channels and queue interfaces', () => {
    expect(['SIP/803', 'SIP/803-0000000b', 'pjsip/803', 'Local/803@from-queue/n', 'PJSIP/803-00000001'].map(extensionOf)).toEqual(['803', '803', '803', '803', '803']);
  });

  it("lists the extension's queues (not another extension's that starts alike) and finds its call", () => {
    expect(membershipsOf(state, '804').map((m) => [m.queue, m.member.paused])).toEqual([
      ['630', true],
      ['631', false],
    ]);
    expect(callOf(state, '804')?.id).toBe('c1');
    expect(callOf(state, '803')).toBeUndefined();
  });

  it('counts the after-call pause down from the call’s end, for the relay’s wrap-up length only', () => {
    const member = state.queues['630'].members['sip/804'];
    const ends = wrapupEndsAt(member, 30)!;
    expect(ends).toBe(Date.parse('2026-11-24T09:40:30.000Z'));
    expect(secondsLeft(ends, Date.parse('2026-11-24T09:40:00.200Z'))).toBe(30);
    expect(secondsLeft(ends, Date.parse('2026-11-24T09:40:18.000Z'))).toBe(12);
    expect(secondsLeft(ends, Date.parse('2026-11-24T09:41:00.000Z'))).toBe(0);
    expect(clock(75)).toBe('1:15');
    // The PBX's clock a little ahead of the browser's: never more than the whole wrap-up.
    expect(wrapupLeft(member, 30, Date.parse('2026-11-24T09:39:59.500Z'))).toBe(30);
    expect(wrapupLeft(member, 30, Date.parse('2026-11-24T09:40:18.000Z'))).toBe(12);
    expect(wrapupLeft({ ...member, paused: false }, 30, Date.parse('2026-11-24T09:40:18.000Z'))).toBeUndefined();
    // No wrap-up configured, paused by hand, or not paused: no countdown.
    expect(wrapupEndsAt(member, null)).toBeUndefined();
    expect(wrapupEndsAt({ ...member, pausedReason: 'lunch' }, 30)).toBeUndefined();
    expect(wrapupEndsAt({ ...member, paused: false }, 30)).toBeUndefined();
  });
});
