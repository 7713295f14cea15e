/**
 * app_queue's view of queues: members (static from queues.conf, dynamic from
 * QueueAdd), their pause/penalty/status, the callers waiting, and the running
 * statistics QueueStatus / QueueSummary report.
 */

import type { Fields } from './channel.js';
import type { QueueConfig } from './lab.js';
import type { DeviceState } from './pbx.js';

/** AST_DEVICE_* numbers, which QueueMember `Status` reports. */
export const DEVICE_STATUS: Record<string, number> = {
  UNKNOWN: 0,
  NOT_INUSE: 1,
  INUSE: 2,
  BUSY: 3,
  INVALID: 4,
  UNAVAILABLE: 5,
  RINGING: 6,
  RINGINUSE: 7,
  ONHOLD: 8,
};

export interface QueueMember {
  interface: string;
  stateInterface: string;
  memberName: string;
  penalty: number;
  membership: 'static' | 'dynamic';
  paused: boolean;
  pausedReason: string;
  callsTaken: number;
  lastCall: number;
  lastPause: number;
  loginTime: number;
  inCall: boolean;
  /** Status last reported in a QueueMemberStatus, so only changes are reported. */
  reportedStatus: number;
}

export interface QueueCaller {
  channelName: string;
  joinedAt: number;
  originalPosition: number;
}

export class Queue {
  readonly name: string;
  readonly strategy: 'linear' | 'ringall';
  readonly timeout: number;
  readonly retry: number;
  readonly serviceLevel = 30;
  readonly weight = 0;
  readonly maxLen = 0;
  members: QueueMember[] = [];
  callers: QueueCaller[] = [];
  holdtime = 0;
  talktime = 0;
  completed = 0;
  abandoned = 0;
  completedInSl = 0;
  /** Last `Queue:<name>_avail` state reported. */
  reportedAvailability: DeviceState = 'NOT_INUSE';

  constructor(config: QueueConfig, tech: string, loginTime: number, statusOf: (device: string) => number) {
    this.name = config.name;
    this.strategy = config.strategy;
    this.timeout = config.timeout;
    this.retry = config.retry;
    for (const m of config.members) {
      const iface = `${tech}/${m.extension}`;
      this.addMember({
        interface: iface,
        stateInterface: iface,
        memberName: m.memberName,
        penalty: m.penalty,
        membership: 'static',
        paused: false,
        pausedReason: '',
        callsTaken: 0,
        lastCall: 0,
        lastPause: 0,
        loginTime,
        inCall: false,
        reportedStatus: statusOf(iface),
      });
    }
  }

  findMember(iface: string): QueueMember | undefined {
    const lower = iface.toLowerCase();
    return this.members.find((m) => m.interface.toLowerCase() === lower);
  }

  addMember(member: QueueMember): void {
    this.members.push(member);
    // linear keeps configuration order; the other strategies keep members in
    // a hash container, whose iteration order QueueStatus shows.
    if (this.strategy !== 'linear') this.members.sort((a, b) => memberBucket(a.interface) - memberBucket(b.interface));
  }

  removeMember(iface: string): QueueMember | undefined {
    const m = this.findMember(iface);
    if (m) this.members = this.members.filter((x) => x !== m);
    return m;
  }

  /** Exponential averages as app_queue keeps them (update_queue / recalc_holdtime). */
  recordAnswered(holdSeconds: number): void {
    this.holdtime = Math.trunc((this.holdtime * 3 + holdSeconds) / 4);
    if (holdSeconds <= this.serviceLevel) this.completedInSl++;
  }

  recordCompleted(talkSeconds: number): void {
    this.completed++;
    this.talktime = Math.trunc((this.talktime * 3 + talkSeconds) / 4);
  }

  serviceLevelPerf(): string {
    return this.completed > 0 ? ((this.completedInSl / this.completed) * 100).toFixed(1) : '0.0';
  }

  /** QueueMemberStatus / QueueMemberPause / … body. */
  memberEventFields(m: QueueMember, status: number): Fields {
    return [
      ['Queue', this.name],
      ['MemberName', m.memberName],
      ['Interface', m.interface],
      ['StateInterface', m.stateInterface],
      ['Membership', m.membership],
      ['Penalty', String(m.penalty)],
      ['CallsTaken', String(m.callsTaken)],
      ['LastCall', String(m.lastCall)],
      ['LastPause', String(m.lastPause)],
      ['LoginTime', String(m.loginTime)],
      ['InCall', m.inCall ? '1' : '0'],
      ['Status', String(status)],
      ['Paused', m.paused ? '1' : '0'],
      ['PausedReason', m.pausedReason],
      ['Ringinuse', '0'],
      ['Wrapuptime', '0'],
    ];
  }

  /** QueueStatus list item `QueueMember`. */
  memberListFields(m: QueueMember, status: number): Fields {
    return [
      ['Queue', this.name],
      ['Name', m.memberName],
      ['Location', m.interface],
      ['StateInterface', m.stateInterface],
      ['Membership', m.membership],
      ['Penalty', String(m.penalty)],
      ['CallsTaken', String(m.callsTaken)],
      ['LastCall', String(m.lastCall)],
      ['LastPause', String(m.lastPause)],
      ['LoginTime', String(m.loginTime)],
      ['InCall', m.inCall ? '1' : '0'],
      ['Status', String(status)],
      ['Paused', m.paused ? '1' : '0'],
      ['PausedReason', m.pausedReason],
      ['Wrapuptime', '0'],
    ];
  }

  paramsFields(): Fields {
    const perf = this.serviceLevelPerf();
    return [
      ['Queue', this.name],
      ['Max', String(this.maxLen)],
      ['Strategy', this.strategy],
      ['Calls', String(this.callers.length)],
      ['Holdtime', String(this.holdtime)],
      ['TalkTime', String(this.talktime)],
      ['Completed', String(this.completed)],
      ['Abandoned', String(this.abandoned)],
      ['ServiceLevel', String(this.serviceLevel)],
      ['ServicelevelPerf', perf],
      ['ServicelevelPerf2', perf],
      ['Weight', String(this.weight)],
    ];
  }

  /** The QUEUE* variables `setqueuevar=yes` puts on the caller (set_queue_variables). */
  queueVariables(): Array<[string, string]> {
    return [
      ['QUEUENAME', this.name],
      ['QUEUEMAX', String(this.maxLen)],
      ['QUEUESTRATEGY', this.strategy],
      ['QUEUECALLS', String(this.callers.length)],
      ['QUEUEHOLDTIME', String(this.holdtime)],
      ['QUEUETALKTIME', String(this.talktime)],
      ['QUEUECOMPLETED', String(this.completed)],
      ['QUEUEABANDONED', String(this.abandoned)],
      ['QUEUESRVLEVEL', String(this.serviceLevel)],
      ['QUEUESRVLEVELPERF', this.serviceLevelPerf()],
    ];
  }
}

/** A member is logged in unless its device is unavailable or invalid (QueueSummary LoggedIn). */
export function isLoggedIn(status: number): boolean {
  return status !== DEVICE_STATUS.UNAVAILABLE && status !== DEVICE_STATUS.INVALID;
}

/** Free to take a call: idle (or unknown) and not paused. */
export function isAvailable(m: QueueMember, status: number): boolean {
  return !m.paused && (status === DEVICE_STATUS.NOT_INUSE || status === DEVICE_STATUS.UNKNOWN);
}

/** app_queue member_hash_fn, modulo its 37 buckets. */
function memberBucket(iface: string): number {
  const slash = iface.indexOf('/');
  const name = slash >= 0 ? iface.slice(slash) : iface;
  let h = 0;
  for (let i = 0; i < 5 && i < name.length; i++) h += compressChar(name.charCodeAt(i)) * 2 ** (i * 6);
  return h % 37;
}

function compressChar(c: number): number {
  if (c < 32) return 0;
  if (c > 96) return c - 64;
  return c - 32;
}
