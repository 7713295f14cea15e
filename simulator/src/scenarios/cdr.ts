/**
 * One CDR record as cdr_manager prints it (`Event: Cdr`). Scenarios open a
 * record when a leg starts, fill it as the call goes, and emit it at the end;
 * a failed Dial forks a second record the way Asterisk's CDR engine does.
 */

import type { Channel, Fields } from '../model/channel.js';

export type Disposition = 'ANSWERED' | 'NO ANSWER' | 'BUSY' | 'FAILED' | 'CONGESTION';

export class CdrRecord {
  accountCode: string;
  source: string;
  destination: string;
  destinationContext: string;
  callerId: string;
  channel: string;
  destinationChannel = '';
  lastApplication = '';
  lastData = '';
  start: number;
  answer: number | undefined;
  end: number | undefined;
  /** Unset: ANSWERED when answered, else NO ANSWER (cdr_object_finalize). */
  disposition: Disposition | undefined;
  uniqueid: string;
  userField = '';

  constructor(ch: Channel, start: number) {
    this.accountCode = ch.accountCode;
    this.source = ch.callerIdNum;
    this.destination = ch.exten;
    this.destinationContext = ch.context;
    this.callerId = `"${ch.callerIdName}" <${ch.callerIdNum}>`;
    this.channel = ch.name;
    this.start = start;
    this.uniqueid = ch.uniqueid;
  }

  /** Refresh what the CDR copies from the channel (caller id, dialplan place, account). */
  follow(ch: Channel): this {
    this.accountCode = ch.accountCode;
    this.source = ch.callerIdNum;
    this.callerId = `"${ch.callerIdName}" <${ch.callerIdNum}>`;
    this.destination = ch.exten;
    this.destinationContext = ch.context;
    if (ch.application) {
      this.lastApplication = ch.application;
      this.lastData = ch.appData;
    }
    return this;
  }

  /** The next record after a fork: same call, new start, nothing answered yet. */
  fork(at: number): CdrRecord {
    const next = Object.assign(Object.create(CdrRecord.prototype) as CdrRecord, this);
    next.start = at;
    next.answer = undefined;
    next.end = undefined;
    next.destinationChannel = '';
    return next;
  }

  fields(): Fields {
    const end = this.end ?? this.start;
    const duration = Math.max(0, Math.trunc((end - this.start) / 1000));
    const billsec = this.answer === undefined ? 0 : Math.max(0, Math.trunc((end - this.answer) / 1000));
    return [
      ['AccountCode', this.accountCode],
      ['Source', this.source],
      ['Destination', this.destination],
      ['DestinationContext', this.destinationContext],
      ['CallerID', this.callerId],
      ['Channel', this.channel],
      ['DestinationChannel', this.destinationChannel],
      ['LastApplication', this.lastApplication],
      ['LastData', this.lastData],
      ['StartTime', cdrTime(this.start)],
      ['AnswerTime', this.answer === undefined ? '' : cdrTime(this.answer)],
      ['EndTime', cdrTime(end)],
      ['Duration', String(duration)],
      ['BillableSeconds', String(billsec)],
      ['Disposition', this.disposition ?? (this.answer === undefined ? 'NO ANSWER' : 'ANSWERED')],
      ['AMAFlags', 'DOCUMENTATION'],
      ['UniqueID', this.uniqueid],
      ['UserField', this.userField],
      ['Rate', ''],
      ['Carrier', ''],
    ];
  }
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** `2026-11-24 09:42:35` in the PBX's local time, as cdr_manager formats it. */
export function cdrTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** `20261124-093722`: STRFTIME(${EPOCH},,%Y%m%d-%H%M%S), local time. */
export function strftimeStamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
}
