/**
 * Events that are not about one channel snapshot: device and hint states,
 * queue member and caller events, CDRs, registrations, security noise,
 * Originate results. Values are computed from the model at the moment of
 * emission unless the caller states them (chan_sip sometimes reports a
 * device state change before the channel it concerns moves).
 */

import type { Channel, Fields } from '../model/channel.js';
import { HINT_STATUS, type DeviceState, type Pbx } from '../model/pbx.js';
import { DEVICE_STATUS, type Queue, type QueueMember } from '../model/queues.js';

const CALL = 'call,all';
const AGENT = 'agent,all';
const SYSTEM = 'system,all';
const SECURITY = 'security,all';

export class PbxEvents {
  constructor(readonly pbx: Pbx) {}

  deviceStateChange(device: string, state?: DeviceState): void {
    this.pbx.emit('DeviceStateChange', CALL, [
      ['Device', device],
      ['State', state ?? this.pbx.deviceState(device)],
    ]);
  }

  /** ExtensionStatus for the hint watching `device` (from-internal). */
  extensionStatus(device: string, state?: DeviceState): void {
    const exten = device.slice(device.indexOf('/') + 1);
    const hint = this.pbx.hintFor(exten);
    if (!hint) return;
    const [status, text] = HINT_STATUS[state ?? this.pbx.deviceState(device)];
    this.pbx.emit('ExtensionStatus', CALL, [
      ['Exten', exten],
      ['Context', 'from-internal'],
      ['Hint', hint],
      ['Status', String(status)],
      ['StatusText', text],
    ]);
  }

  /**
   * QueueMemberStatus for every queue membership whose state interface is
   * `device`, when its status changed (app_queue only reports changes).
   */
  queueMemberStatus(device: string, force = false): void {
    const status = this.pbx.memberStatus(device);
    for (const q of this.pbx.queues.values()) {
      for (const m of q.members) {
        if (m.stateInterface.toLowerCase() !== device.toLowerCase()) continue;
        if (!force && m.reportedStatus === status) continue;
        m.reportedStatus = status;
        this.pbx.emit('QueueMemberStatus', AGENT, q.memberEventFields(m, status));
      }
    }
  }

  /** `Queue:630_avail` and friends, which app_queue keeps as custom devices. */
  queueDevice(name: string, state: DeviceState): void {
    this.pbx.emit('DeviceStateChange', CALL, [
      ['Device', name],
      ['State', state],
    ]);
  }

  /** `Queue:631_avail`: NOT_INUSE while some member could take a call. */
  queueAvailability(q: Queue): void {
    q.reportedAvailability = this.availability(q);
    this.queueDevice(`Queue:${q.name}_avail`, q.reportedAvailability);
  }

  /** Report `Queue:<q>_avail` for the queues `device` is a member of, when it changed. */
  queueAvailabilityIfMember(device: string): void {
    for (const q of this.pbx.queues.values()) {
      if (!q.members.some((m) => m.stateInterface.toLowerCase() === device.toLowerCase())) continue;
      const state = this.availability(q);
      if (state === q.reportedAvailability) continue;
      q.reportedAvailability = state;
      this.queueDevice(`Queue:${q.name}_avail`, state);
    }
  }

  availability(q: Queue): DeviceState {
    const free = q.members.some((m) => !m.paused && this.pbx.memberStatus(m.stateInterface) === DEVICE_STATUS.NOT_INUSE);
    return free ? 'NOT_INUSE' : 'INUSE';
  }

  memberEvent(name: string, q: Queue, m: QueueMember): void {
    this.pbx.emit(name, AGENT, q.memberEventFields(m, this.pbx.memberStatus(m.stateInterface)));
  }

  queueCaller(name: 'QueueCallerJoin' | 'QueueCallerLeave', ch: Channel, q: Queue, position: number): void {
    this.pbx.emit(name, AGENT, [...ch.snapshot(), ['Queue', q.name], ['Position', String(position)], ['Count', String(q.callers.length)]]);
  }

  queueCallerAbandon(ch: Channel, q: Queue, position: number, originalPosition: number, holdSeconds: number): void {
    this.pbx.emit('QueueCallerAbandon', AGENT, [
      ...ch.snapshot(),
      ['Queue', q.name],
      ['Position', String(position)],
      ['OriginalPosition', String(originalPosition)],
      ['HoldTime', String(holdSeconds)],
    ]);
  }

  /** AgentCalled / AgentRingNoAnswer / AgentConnect / AgentComplete. */
  agentEvent(name: string, caller: Channel, agent: Channel, q: Queue, m: QueueMember, extra: Fields = []): void {
    this.pbx.emit(name, AGENT, [
      ...caller.snapshot(),
      ...agent.snapshot('Dest'),
      ['Queue', q.name],
      ['Interface', m.interface],
      ['MemberName', m.memberName],
      ...extra,
    ]);
  }

  /** cdr_manager's event; cdr_csv gets the same record. */
  cdr(fields: Fields): void {
    this.pbx.emit('Cdr', 'cdr,all', fields);
    this.pbx.records.cdr(fields);
  }

  originateResponse(actionId: string | undefined, fields: Fields): void {
    const id: Fields = actionId === undefined ? [] : [['ActionID', actionId]];
    this.pbx.emit('OriginateResponse', CALL, [...id, ...fields]);
  }

  peerStatus(peer: string, status: string, extra: Fields = []): void {
    this.pbx.emit('PeerStatus', SYSTEM, [['ChannelType', this.pbx.tech], ['Peer', `${this.pbx.tech}/${peer}`], ['PeerStatus', status], ...extra]);
  }

  contactStatus(uri: string, status: string, aor: string, rttUsec: number): void {
    this.pbx.emit('ContactStatus', SYSTEM, [
      ['URI', uri],
      ['ContactStatus', status],
      ['AOR', aor],
      ['EndpointName', aor],
      ['RoundtripUsec', String(rttUsec)],
    ]);
  }

  /** res_security_log events for a SIP/PJSIP digest exchange. */
  challengeSent(accountId: string, sessionId: string, remote: string): void {
    const pj = this.pbx.tech === 'PJSIP';
    this.pbx.emit('ChallengeSent', SECURITY, [
      ...this.securityHead(pj ? 'PJSIP' : 'SIP', accountId, sessionId, pj ? 5070 : 5060, remote),
      ['Challenge', pj ? '' : Math.floor(Math.random() * 0xffffffff).toString(16)],
    ]);
  }

  successfulAuth(service: 'AMI' | 'SIP' | 'PJSIP', accountId: string, sessionId: string, localPort: number, remote: string, usingPassword: boolean): void {
    const fields = [...this.securityHead(service, accountId, sessionId, localPort, remote), ['UsingPassword', usingPassword ? '1' : '0']] as Fields;
    if (service === 'AMI') fields.push(['SessionTV', eventTv(this.pbx.clock.now())]);
    this.pbx.emit('SuccessfulAuth', SECURITY, fields);
  }

  private securityHead(service: string, accountId: string, sessionId: string, localPort: number, remote: string): Fields {
    const transport = service === 'AMI' ? 'TCP' : 'UDP';
    return [
      ['EventTV', eventTv(this.pbx.clock.now())],
      ['Severity', 'Informational'],
      ['Service', service],
      ['EventVersion', '1'],
      ['AccountID', accountId],
      ['SessionID', sessionId],
      ['LocalAddress', `IPV4/${transport}/127.0.0.1/${localPort}`],
      ['RemoteAddress', `IPV4/${transport}/${remote}`],
    ];
  }

  shutdown(restart: boolean): void {
    this.pbx.emit('Shutdown', SYSTEM, [
      ['Shutdown', 'Cleanly'],
      ['Restart', restart ? 'True' : 'False'],
    ]);
  }

  userEvent(fields: Fields): void {
    this.pbx.emit('UserEvent', 'user,all', fields);
  }
}

/** `2026-11-24T09:37:21.487+0000`, as res_security_log writes it (UTC). */
export function eventTv(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/** A pointer-looking session id, as chan_sip and manager.c print them. */
export function pointerId(): string {
  return '0x7f' + Math.floor(Math.random() * 0xffffffffff).toString(16).padStart(10, '0');
}
