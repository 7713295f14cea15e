/**
 * Builds AMI event messages in Asterisk 20's shapes (header names and order as
 * in the recordings) for mapper tests of situations the recordings do not
 * cover: abandoned calls, empty queues, holds, wrap-up. Test support only.
 */

import { AmiMessage } from '../../ami-codec/src/message.js';

export interface ChannelRef {
  channel: string;
  uniqueid: string;
  linkedid: string;
  num: string;
  name?: string;
}

export class Scenario {
  /** Scenario clock, seconds; every event carries it as its Timestamp. */
  t: number;
  constructor(start = 1795513000) {
    this.t = start;
  }

  at(seconds: number): this {
    this.t += seconds;
    return this;
  }

  private stamp(): string {
    return this.t.toFixed(6);
  }

  event(name: string, fields: Array<[string, string]>): AmiMessage {
    const flat = ['Event', name, 'Privilege', 'call,all', 'Timestamp', this.stamp()];
    for (const [k, v] of fields) flat.push(k, v);
    return new AmiMessage(flat);
  }

  channelFields(c: ChannelRef, extra: { context?: string; exten?: string; state?: string; connected?: string } = {}): Array<[string, string]> {
    return [
      ['Channel', c.channel],
      ['ChannelState', extra.state ?? '6'],
      ['ChannelStateDesc', extra.state === '4' ? 'Ring' : 'Up'],
      ['CallerIDNum', c.num],
      ['CallerIDName', c.name ?? c.num],
      ['ConnectedLineNum', extra.connected ?? '<unknown>'],
      ['ConnectedLineName', '<unknown>'],
      ['Language', 'en'],
      ['AccountCode', ''],
      ['Context', extra.context ?? 'from-internal'],
      ['Exten', extra.exten ?? 's'],
      ['Priority', '1'],
      ['Uniqueid', c.uniqueid],
      ['Linkedid', c.linkedid],
    ];
  }

  newchannel(c: ChannelRef, context = 'from-internal', exten = 's'): AmiMessage {
    return this.event('Newchannel', this.channelFields(c, { context, exten, state: '0' }));
  }

  newexten(c: ChannelRef, context: string, exten: string, app: string, data = ''): AmiMessage {
    return this.event('Newexten', [...this.channelFields(c, { context, exten }), ['Extension', exten], ['Application', app], ['AppData', data]]);
  }

  dest(prefix: string, d: ChannelRef): Array<[string, string]> {
    return [
      [`${prefix}Channel`, d.channel],
      [`${prefix}ChannelState`, '0'],
      [`${prefix}ChannelStateDesc`, 'Down'],
      [`${prefix}CallerIDNum`, d.num],
      [`${prefix}CallerIDName`, d.name ?? d.num],
      [`${prefix}ConnectedLineNum`, '<unknown>'],
      [`${prefix}ConnectedLineName`, '<unknown>'],
      [`${prefix}Language`, 'en'],
      [`${prefix}AccountCode`, ''],
      [`${prefix}Context`, 'from-internal'],
      [`${prefix}Exten`, ''],
      [`${prefix}Priority`, '1'],
      [`${prefix}Uniqueid`, d.uniqueid],
      [`${prefix}Linkedid`, d.linkedid],
    ];
  }

  queueJoin(c: ChannelRef, queue: string): AmiMessage {
    return this.event('QueueCallerJoin', [...this.channelFields(c, { context: 'queues', exten: queue }), ['Queue', queue], ['Position', '1'], ['Count', '1']]);
  }

  queueLeave(c: ChannelRef, queue: string): AmiMessage {
    return this.event('QueueCallerLeave', [...this.channelFields(c, { context: 'queues', exten: queue }), ['Queue', queue], ['Position', '1'], ['Count', '0']]);
  }

  queueAbandon(c: ChannelRef, queue: string, holdTime: number): AmiMessage {
    return this.event('QueueCallerAbandon', [
      ...this.channelFields(c, { context: 'queues', exten: queue }),
      ['Queue', queue],
      ['Position', '1'],
      ['OriginalPosition', '1'],
      ['HoldTime', String(holdTime)],
    ]);
  }

  agent(name: string, c: ChannelRef, agent: ChannelRef, queue: string, iface: string, extra: Array<[string, string]> = []): AmiMessage {
    return this.event(name, [
      ...this.channelFields(c, { context: 'queues', exten: queue }),
      ...this.dest('Dest', agent),
      ['Queue', queue],
      ['Interface', iface],
      ['MemberName', iface],
      ...extra,
    ]);
  }

  dialBegin(c: ChannelRef, d: ChannelRef, dialString: string): AmiMessage {
    return this.event('DialBegin', [...this.channelFields(c), ...this.dest('Dest', d), ['DialString', dialString]]);
  }

  dialEnd(c: ChannelRef, d: ChannelRef, status: string): AmiMessage {
    return this.event('DialEnd', [...this.channelFields(c), ...this.dest('Dest', d), ['DialStatus', status]]);
  }

  hangupRequest(c: ChannelRef): AmiMessage {
    return this.event('HangupRequest', this.channelFields(c));
  }

  hangup(c: ChannelRef, cause = '16', causeTxt = 'Normal Clearing'): AmiMessage {
    return this.event('Hangup', [...this.channelFields(c), ['Cause', cause], ['Cause-txt', causeTxt]]);
  }

  hold(c: ChannelRef, on: boolean): AmiMessage {
    return this.event(on ? 'Hold' : 'Unhold', [...this.channelFields(c), ...(on ? ([['MusicClass', 'default']] as Array<[string, string]>) : [])]);
  }

  dtmf(c: ChannelRef, digit: string, context: string): AmiMessage {
    return this.event('DTMFEnd', [...this.channelFields(c, { context }), ['Digit', digit], ['DurationMs', '120'], ['Direction', 'Received']]);
  }

  member(name: 'QueueMemberStatus' | 'QueueMemberPause' | 'QueueMemberAdded', queue: string, iface: string, status: number, paused: boolean, reason = ''): AmiMessage {
    return this.event(name, [
      ['Queue', queue],
      ['MemberName', iface],
      ['Interface', iface],
      ['StateInterface', iface],
      ['Membership', 'static'],
      ['Penalty', '0'],
      ['CallsTaken', '0'],
      ['LastCall', '0'],
      ['LastPause', '0'],
      ['LoginTime', '0'],
      ['InCall', '0'],
      ['Status', String(status)],
      ['Paused', paused ? '1' : '0'],
      ['PausedReason', reason],
      ['Ringinuse', '0'],
      ['Wrapuptime', '0'],
    ]);
  }

  userEvent(c: ChannelRef, name: string, fields: Array<[string, string]>): AmiMessage {
    return this.event('UserEvent', [...this.channelFields(c), ['UserEvent', name], ...fields]);
  }
}

/** QueueStatus list items for a snapshot: QueueParams + one QueueMember per member. */
export function queueStatusItems(queue: string, members: Array<{ iface: string; status: number; paused?: boolean }>): AmiMessage[] {
  return [
    new AmiMessage(['Event', 'QueueParams', 'Queue', queue, 'ActionID', 'x']),
    ...members.map(
      (m) => new AmiMessage(['Event', 'QueueMember', 'Queue', queue, 'Name', m.iface, 'Location', m.iface, 'Status', String(m.status), 'Paused', m.paused ? '1' : '0', 'ActionID', 'x']),
    ),
  ];
}

/** A message as Asterisk puts it on the wire (CRLF lines, blank line after). */
export function wire(m: AmiMessage): string {
  let out = '';
  for (const [k, v] of m.entries()) out += `${k}: ${v}\r\n`;
  return out + '\r\n';
}
