/**
 * The seven box events, exactly as the box pushed them (coocenter-api.md):
 * string values everywhere except cc_cdr's `holdTime` and `pauseTime`. Shared
 * by the relay (which builds them) and the cloud (which stores, filters and
 * aggregates them).
 */

import * as v from 'valibot';

export const EVENT_TYPES = ['dialbegin', 'dialend', 'hangup', 'extensionstatus', 'ivr', 'cdr', 'cc_cdr'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * The values of the box records' enumerated fields, as the records carry
 * them (users may write them in any case: the API matches them
 * case-insensitively). `disposition` of a cdr is Asterisk's
 * ast_cdr_disp2str() (main/cdr.c); `cdrState` and `missCause` of a cc_cdr
 * are the box's (coocenter-events.md).
 */
export const CDR_DISPOSITIONS = ['ANSWERED', 'NO ANSWER', 'BUSY', 'FAILED', 'CONGESTION'] as const;
export const CC_CDR_STATES = ['bridged', 'feedback', 'queue', 'ivr'] as const;
export const MISS_CAUSES = ['MEMBER_CANCEL', 'NO_AGENT_LOGIN', 'NO_ASSIGN', 'NO_AGENT_ANSWER'] as const;

/** The vendor spells dialbegin `dialbegein` in one place; accept it wherever users name types. */
export function normaliseEventType(name: string): EventType | undefined {
  const n = name.trim().toLowerCase();
  if (n === 'dialbegein') return 'dialbegin';
  return (EVENT_TYPES as readonly string[]).includes(n) ? (n as EventType) : undefined;
}

export interface DialBeginEvent {
  event: 'dialbegin';
  timestamp: string;
  channel: string;
  calleridnum: string;
  destchannel: string;
  destcalleridnum: string;
  destuniqueid: string;
  dialstring: string;
  uniqueid: string;
  mac: string;
}

export interface DialEndEvent {
  event: 'dialend';
  timestamp: string;
  channel: string;
  calleridnum: string;
  destchannel: string;
  destcalleridnum: string;
  uniqueid: string;
  dialstatus: string;
  mac: string;
}

export interface HangupEvent {
  event: 'hangup';
  timestamp: string;
  calleridnum: string;
  calleridname: string;
  connectedlinenum: string;
  connectedlinename: string;
  uniqueid: string;
  mac: string;
}

export interface ExtensionStatusEvent {
  event: 'extensionstatus';
  timestamp: string;
  exten: string;
  status: string;
  statustext: string;
  mac: string;
}

export interface IvrEvent {
  event: 'ivr';
  timestamp: string;
  uuid: string;
  caller: string;
  called: string;
  callType: string;
  queueCode: string;
  startTime: string;
  endTime: string;
  duration: string;
  ivrId: string;
  ivrName: string;
  ivrDtmf: string;
  trunkNumber: string;
  mac: string;
}

/**
 * The two records the cloud stores and serves (CDR search), as schemas: the
 * API document describes them from these, and the types are inferred. Keys
 * and value types exactly as the box sends them (numbers as strings, except
 * cc_cdr's holdTime and pauseTime).
 */
export const CdrEventSchema = v.object({
  event: v.literal('cdr'),
  timestamp: v.string(),
  callerid: v.string(),
  source: v.string(),
  destination: v.string(),
  starttime: v.string(),
  answertime: v.string(),
  endtime: v.string(),
  disposition: v.string(),
  duration: v.string(),
  billableseconds: v.string(),
  calltype: v.string(),
  recordfile: v.string(),
  uniqueid: v.string(),
  mac: v.string(),
});
export type CdrEvent = v.InferOutput<typeof CdrEventSchema>;

export const CcCdrEventSchema = v.object({
  event: v.literal('cc_cdr'),
  timestamp: v.string(),
  uuid: v.string(),
  caller: v.string(),
  called: v.string(),
  queueCode: v.string(),
  agentCode: v.string(),
  callType: v.string(),
  cdrState: v.string(),
  hangupSide: v.string(),
  hangupCause: v.string(),
  startTime: v.string(),
  endTime: v.string(),
  duration: v.string(),
  queueTime: v.string(),
  feedbackTime: v.string(),
  ivrTime: v.string(),
  ringTime: v.string(),
  holdTime: v.number(),
  pauseTime: v.number(),
  talkingTime: v.string(),
  voicemailState: v.string(),
  ivrId: v.string(),
  ivrName: v.string(),
  ivrDtmf: v.string(),
  fwType: v.string(),
  score: v.string(),
  trunkNumber: v.string(),
  forwardNumber: v.string(),
  filePath: v.string(),
  missCause: v.string(),
  mac: v.string(),
});
export type CcCdrEvent = v.InferOutput<typeof CcCdrEventSchema>;

export type BoxEvent = DialBeginEvent | DialEndEvent | HangupEvent | ExtensionStatusEvent | IvrEvent | CdrEvent | CcCdrEvent;

/** `1534993059.785012` → milliseconds since the epoch. */
export function timestampToMs(timestamp: string): number {
  return Math.round(Number(timestamp) * 1000);
}
