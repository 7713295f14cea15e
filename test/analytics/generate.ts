/**
 * Deterministic, realistic cdr and cc_cdr records for the analytics tests:
 * several queues and agents, every miss cause, answered calls with waits
 * around the service-level bounds, holds and talk times, IVR-only records,
 * records sharing a millisecond, fields that need CSV quoting or formula
 * protection; spread over a few days across a month boundary.
 */

import type { CcCdrEvent, CdrEvent } from '../../protocol/src/events/box-events.js';
import type { StoredEvent } from '../../cloud/src/store/events.js';
import { prng as rng } from '../helpers/random.js';

/** The seeded PRNG the analytics tests share (test/helpers/random.ts). */
export { rng };

export const QUEUES = ['630', '631', '700'];
export const AGENTS = ['801', '802', '803', '804', '805', '806', '807', '808'];
export const CAUSES = ['MEMBER_CANCEL', 'NO_AGENT_LOGIN', 'NO_ASSIGN', 'NO_AGENT_ANSWER'];
export const CALLERS = ['0612345678', '0612999000', '+4930123456', '85322361', '-12', '=1+2', '4420', '0033155'];
export const SPAN_FROM = Date.parse('2026-11-29T18:00:00Z');
export const SPAN_TO = Date.parse('2026-12-02T06:00:00Z');

const wall = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);

function ccCdr(r: () => number, ms: number): CcCdrEvent {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const ivrOnly = r() < 0.08;
  const answered = !ivrOnly && r() < 0.65;
  const queueCode = ivrOnly ? '' : pick(QUEUES);
  const agentCode = answered ? pick(AGENTS) : '';
  // Waits cluster around the bounds (5, 10, 20, 30 …) to catch off-by-ones.
  const wait = ivrOnly ? 0 : pick([0, 3, 5, 6, 10, 15, 19, 20, 21, 25, 30, 44, 45, 60, 61, 90, 119, 120, 121, 200]);
  const talk = answered ? Math.floor(r() * 600) : 0;
  const hold = answered && r() < 0.3 ? Math.floor(r() * 120) : 0;
  const missCause = answered || ivrOnly ? '' : r() < 0.05 ? '' : pick(CAUSES);
  const duration = wait + talk + hold + 5;
  const start = ms - duration * 1000;
  return {
    event: 'cc_cdr',
    timestamp: (ms / 1000).toFixed(6),
    uuid: `${Math.floor(start / 1000)}.${Math.floor(r() * 1000)}`,
    caller: pick(CALLERS),
    called: agentCode || (r() < 0.5 ? pick(AGENTS) : ''),
    queueCode,
    agentCode,
    callType: 'incoming',
    cdrState: answered ? 'bridged' : ivrOnly ? 'ivr' : r() < 0.1 ? 'feedback' : 'queue',
    hangupSide: answered ? pick(['caller', 'agent', 'transfer']) : pick(['caller', 'system']),
    hangupCause: pick(['Normal Clearing', 'User busy', 'Normal, "unspecified"', 'line\nbreak']),
    startTime: wall(start),
    endTime: wall(ms),
    duration: String(duration),
    queueTime: String(wait),
    feedbackTime: '0',
    ivrTime: r() < 0.5 ? String(Math.floor(r() * 20)) : '',
    ringTime: String(answered ? Math.floor(r() * 15) : 0),
    holdTime: hold,
    pauseTime: answered ? 30 : 0,
    talkingTime: String(talk),
    voicemailState: r() < 0.05 ? '1' : '0',
    ivrId: '610',
    ivrName: pick(['working time', '=cmd|calc', '@home', 'menu, main']),
    ivrDtmf: String(Math.floor(r() * 10)),
    fwType: '',
    score: String(Math.floor(r() * 6)),
    trunkNumber: '123456',
    forwardNumber: '',
    filePath: answered ? `2026/11/${Math.floor(start / 1000)}.wav` : '',
    missCause,
    mac: '68:69:2e:03:8b:3e',
  };
}

function cdr(r: () => number, ms: number): CdrEvent {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const source = pick(CALLERS);
  const destination = pick([...AGENTS, '0800123', '+3312345']);
  const disposition = pick(['ANSWERED', 'ANSWERED', 'NO ANSWER', 'BUSY', 'FAILED']);
  const billable = disposition === 'ANSWERED' ? Math.floor(r() * 300) : 0;
  const duration = billable + Math.floor(r() * 20);
  const start = ms - duration * 1000;
  return {
    event: 'cdr',
    timestamp: (ms / 1000).toFixed(6),
    callerid: `"${source}" <${source}>`,
    source,
    destination,
    starttime: wall(start),
    answertime: disposition === 'ANSWERED' ? wall(start + 2000) : '',
    endtime: wall(ms),
    disposition,
    duration: String(duration),
    billableseconds: String(billable),
    calltype: pick(['inbound', 'outbound', '']),
    recordfile: '',
    uniqueid: `${Math.floor(start / 1000)}.${Math.floor(r() * 1000)}`,
    mac: '68:69:2e:03:8b:3e',
  };
}

/** `count` records of one site, seqs from 1 (not in time order), a few sharing a millisecond. */
export function generateSite(seed: number, tenantId: string, siteId: string, count: number): StoredEvent[] {
  const r = rng(seed);
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    // Some records share the millisecond of the previous one.
    if (i > 0 && r() < 0.05) times.push(times[i - 1]);
    else times.push(SPAN_FROM + Math.floor(r() * (SPAN_TO - SPAN_FROM)));
  }
  return times.map((ms, i) => {
    const data = r() < 0.6 ? ccCdr(r, ms) : cdr(r, ms);
    const seq = i + 1;
    return { id: `evt_${siteId}_${seq}`, siteId, tenantId, seq, type: data.event, occurredAt: new Date(ms).toISOString(), data };
  });
}
