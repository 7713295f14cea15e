/**
 * The seven box events, exactly as the box pushed them (coocenter-api.md):
 * string values everywhere except cc_cdr's `holdTime` and `pauseTime`. Shared
 * by the relay (which builds them) and the cloud (which stores, filters and
 * aggregates them).
 */

export const EVENT_TYPES = ['dialbegin', 'dialend', 'hangup', 'extensionstatus', 'ivr', 'cdr', 'cc_cdr'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

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

export interface CdrEvent {
  event: 'cdr';
  timestamp: string;
  callerid: string;
  source: string;
  destination: string;
  starttime: string;
  answertime: string;
  endtime: string;
  disposition: string;
  duration: string;
  billableseconds: string;
  calltype: string;
  recordfile: string;
  uniqueid: string;
  mac: string;
}

export interface CcCdrEvent {
  event: 'cc_cdr';
  timestamp: string;
  uuid: string;
  caller: string;
  called: string;
  queueCode: string;
  agentCode: string;
  callType: string;
  cdrState: string;
  hangupSide: string;
  hangupCause: string;
  startTime: string;
  endTime: string;
  duration: string;
  queueTime: string;
  feedbackTime: string;
  ivrTime: string;
  ringTime: string;
  holdTime: number;
  pauseTime: number;
  talkingTime: string;
  voicemailState: string;
  ivrId: string;
  ivrName: string;
  ivrDtmf: string;
  fwType: string;
  score: string;
  trunkNumber: string;
  forwardNumber: string;
  filePath: string;
  missCause: string;
  mac: string;
}

export type BoxEvent = DialBeginEvent | DialEndEvent | HangupEvent | ExtensionStatusEvent | IvrEvent | CdrEvent | CcCdrEvent;

/** `1534993059.785012` → milliseconds since the epoch. */
export function timestampToMs(timestamp: string): number {
  return Math.round(Number(timestamp) * 1000);
}
