/**
 * The PBX's state: peers, channels, bridges, queues, hints, AstDB, globals,
 * and the counters Asterisk names things with. It publishes AMI events to
 * whoever listens (the TCP server) and computes device states from the
 * channels, the way chan_sip/chan_pjsip + app_queue would report them.
 */

import { randomUUID } from 'node:crypto';
import type { Clock } from '../../../protocol/src/clock.js';
import { AstDb } from './astdb.js';
import { Channel, type Fields } from './channel.js';
import { LAB_GLOBALS, LAB_QUEUES, TRUNK_PEER, type PhoneConfig, type Tech } from './lab.js';
import { labPeers, type Peer } from './peers.js';
import { DEVICE_STATUS, Queue } from './queues.js';
import type { AsteriskRecords } from '../records/asterisk-records.js';

export interface AmiEvent {
  name: string;
  /** `call,all`, `dialplan,all`, … (the Privilege header). */
  privilege: string;
  fields: Fields;
}

export type DeviceState = 'NOT_INUSE' | 'INUSE' | 'BUSY' | 'INVALID' | 'UNAVAILABLE' | 'RINGING' | 'RINGINUSE' | 'ONHOLD' | 'UNKNOWN';

/** ExtensionStatus Status/StatusText for a device state (ast_extension_state2str). */
export const HINT_STATUS: Record<DeviceState, [number, string]> = {
  NOT_INUSE: [0, 'Idle'],
  INUSE: [1, 'InUse'],
  BUSY: [2, 'Busy'],
  UNAVAILABLE: [4, 'Unavailable'],
  INVALID: [4, 'Unavailable'],
  RINGING: [8, 'Ringing'],
  RINGINUSE: [9, 'InUse&Ringing'],
  ONHOLD: [16, 'Hold'],
  UNKNOWN: [-1, 'Unknown'],
};

/** A device state as Asterisk's CLI and PJSIPShowEndpoint write it (ast_devstate_str). */
export const DEVICE_STATE_TEXT: Partial<Record<DeviceState, string>> = {
  NOT_INUSE: 'Not in use',
  INUSE: 'In use',
  BUSY: 'Busy',
  UNAVAILABLE: 'Unavailable',
  RINGING: 'Ringing',
  RINGINUSE: 'Ring+Inuse',
  ONHOLD: 'On Hold',
  INVALID: 'Invalid',
};

export interface Bridge {
  id: string;
  channels: Channel[];
}

export interface PbxOptions {
  tech: Tech;
  clock: Clock;
  monitorDir: string;
  phones?: Record<string, Partial<PhoneConfig>>;
  /** Master.csv and queue_log, written as Asterisk writes them. */
  records: AsteriskRecords;
}

export type EventListener = (event: AmiEvent) => void;

export class Pbx {
  readonly tech: Tech;
  readonly clock: Clock;
  readonly monitorDir: string;
  readonly records: AsteriskRecords;
  peers: Map<string, Peer>;
  readonly channels = new Map<string, Channel>();
  readonly bridges = new Map<string, Bridge>();
  queues = new Map<string, Queue>();
  readonly astdb = new AstDb();
  globals = new Map<string, string>(Object.entries(LAB_GLOBALS));
  startedAt: number;
  /** Restarted but not fully booted yet: app_queue not loaded, no hints (see actions/dispatch.ts). */
  booting = false;
  processedCalls = 0;
  private uniqueSeq = 0;
  private channelSeq = 0;
  private listeners: EventListener[] = [];
  private readonly phoneOverrides: Record<string, Partial<PhoneConfig>>;

  constructor(options: PbxOptions) {
    this.tech = options.tech;
    this.clock = options.clock;
    this.monitorDir = options.monitorDir;
    this.records = options.records;
    this.phoneOverrides = options.phones ?? {};
    this.startedAt = this.clock.now();
    this.peers = labPeers(this.tech, this.nowSec(), this.phoneOverrides);
    this.queues = this.labQueues();
    this.records.queueStart();
  }

  /** A restart forgets calls and queue statistics; AstDB survives (it is on disk). */
  reboot(): void {
    this.channels.clear();
    this.bridges.clear();
    this.startedAt = this.clock.now();
    this.processedCalls = 0;
    this.uniqueSeq = 0;
    this.peers = labPeers(this.tech, this.nowSec(), this.phoneOverrides);
    this.queues = this.labQueues();
    this.globals = new Map(Object.entries(LAB_GLOBALS));
    this.records.queueStart();
  }

  private labQueues(): Map<string, Queue> {
    const queues = new Map<string, Queue>();
    for (const q of LAB_QUEUES) queues.set(q.name, new Queue(q, this.tech, this.nowSec(), (d) => this.memberStatus(d)));
    return queues;
  }

  nowSec(): number {
    return Math.floor(this.clock.now() / 1000);
  }

  on(listener: EventListener): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  emit(name: string, privilege: string, fields: Fields): void {
    const event: AmiEvent = { name, privilege, fields };
    for (const l of this.listeners) l(event);
  }

  // ------------------------------------------------------------------ naming

  nextUniqueid(): string {
    return `${this.nowSec()}.${this.uniqueSeq++}`;
  }

  /** `SIP/801-0000000a`: chan_sip and chan_pjsip both use a global hex sequence. */
  nextChannelName(peer: string): string {
    const seq = (this.channelSeq++).toString(16).padStart(8, '0');
    return `${this.tech}/${peer}-${seq}`;
  }

  newBridgeId(): string {
    return randomUUID();
  }

  /** A fresh SIP Call-ID: chan_sip's are hex@ip:port, PJSIP's UUIDs. */
  newCallId(): string {
    if (this.tech === 'PJSIP') return randomUUID();
    return `${randomUUID().replace(/-/g, '')}@127.0.0.1:5060`;
  }

  // ------------------------------------------------------------------ channels

  addChannel(ch: Channel): Channel {
    this.channels.set(ch.name, ch);
    return ch;
  }

  removeChannel(ch: Channel): void {
    ch.gone = true;
    ch.released = true;
    this.channels.delete(ch.name);
  }

  /** ast_channel_get_by_name: exact name, case-insensitive. */
  findChannel(name: string): Channel | undefined {
    const exact = this.channels.get(name);
    if (exact) return exact;
    const lower = name.toLowerCase();
    for (const ch of this.channels.values()) if (ch.name.toLowerCase() === lower) return ch;
    return undefined;
  }

  /** Newest first, as CoreShowChannels lists them. */
  channelList(): Channel[] {
    return [...this.channels.values()].reverse();
  }

  peer(name: string): Peer | undefined {
    return this.peers.get(name);
  }

  /** Device (`SIP/801`) to peer name, or undefined for queue/other devices. */
  peerOfDevice(device: string): Peer | undefined {
    const slash = device.indexOf('/');
    if (slash < 0 || device.slice(0, slash).toUpperCase() !== this.tech) return undefined;
    return this.peers.get(device.slice(slash + 1));
  }

  // ------------------------------------------------------------------ device state

  /** What chan_sip/chan_pjsip would report for a device right now. */
  deviceState(device: string): DeviceState {
    const peer = this.peerOfDevice(device);
    if (!peer) return 'INVALID';
    if (!peer.registered && !peer.isTrunk) return 'UNAVAILABLE';
    let ringing = false;
    let inuse = false;
    let hold = false;
    for (const ch of this.channels.values()) {
      if (ch.released || ch.device !== `${this.tech}/${peer.name}`) continue;
      if (ch.onHold) hold = true;
      else if (ch.direction === 'out' && ch.answeredAt === undefined) ringing = true;
      else inuse = true;
    }
    if (hold) return 'ONHOLD';
    if (ringing && inuse) return 'RINGINUSE';
    if (ringing) return 'RINGING';
    if (inuse) return 'INUSE';
    return 'NOT_INUSE';
  }

  /** QueueMember Status for a state interface. */
  memberStatus(device: string): number {
    return DEVICE_STATUS[this.deviceState(device)] ?? 0;
  }

  /** Hints: from-internal 800-809 → `${tech}/80x` (the trunk has none). */
  hintFor(exten: string): string | undefined {
    const peer = this.peers.get(exten);
    return peer && !peer.isTrunk ? `${this.tech}/${exten}` : undefined;
  }

  /** Hints in the order Asterisk's hint container iterates them. */
  hints(): Array<{ exten: string; device: string }> {
    const out: Array<{ exten: string; device: string }> = [];
    for (const p of this.peers.values()) if (!p.isTrunk) out.push({ exten: p.name, device: `${this.tech}/${p.name}` });
    return out.sort((a, b) => hintBucket(a.exten) - hintBucket(b.exten));
  }

  isTrunkPeer(name: string): boolean {
    return name === TRUNK_PEER;
  }

  /** A view for tests and the demo: plain data, nothing to mutate. */
  view(): PbxStateView {
    return {
      tech: this.tech,
      channels: [...this.channels.values()].map((c) => ({
        name: c.name,
        uniqueid: c.uniqueid,
        linkedid: c.linkedid,
        state: c.state,
        stateDesc: c.stateDesc,
        callerIdNum: c.callerIdNum,
        callerIdName: c.callerIdName,
        connectedNum: c.connectedNum,
        context: c.context,
        exten: c.exten,
        application: c.application,
        bridgeId: c.bridgeId,
        onHold: c.onHold,
      })),
      bridges: [...this.bridges.values()].map((b) => ({ id: b.id, channels: b.channels.map((c) => c.name) })),
      peers: [...this.peers.values()].map((p) => ({
        name: p.name,
        registered: p.registered,
        deviceState: p.isTrunk ? 'NOT_INUSE' : this.deviceState(`${this.tech}/${p.name}`),
        ip: p.registered ? p.ip : '',
        port: p.registered ? p.port : 0,
      })),
      queues: [...this.queues.values()].map((q) => ({
        name: q.name,
        strategy: q.strategy,
        callers: q.callers.map((c) => c.channelName),
        completed: q.completed,
        abandoned: q.abandoned,
        members: q.members.map((m) => ({
          interface: m.interface,
          memberName: m.memberName,
          penalty: m.penalty,
          paused: m.paused,
          pausedReason: m.pausedReason,
          membership: m.membership,
          status: this.memberStatus(m.stateInterface),
          callsTaken: m.callsTaken,
        })),
      })),
      astdb: this.astdb.snapshot(),
      globals: Object.fromEntries(this.globals),
    };
  }
}

export interface PbxStateView {
  tech: Tech;
  channels: Array<{
    name: string;
    uniqueid: string;
    linkedid: string;
    state: number;
    stateDesc: string;
    callerIdNum: string;
    callerIdName: string;
    connectedNum: string;
    context: string;
    exten: string;
    application: string;
    bridgeId: string | undefined;
    onHold: boolean;
  }>;
  bridges: Array<{ id: string; channels: string[] }>;
  peers: Array<{ name: string; registered: boolean; deviceState: DeviceState; ip: string; port: number }>;
  queues: Array<{
    name: string;
    strategy: string;
    callers: string[];
    completed: number;
    abandoned: number;
    members: Array<{
      interface: string;
      memberName: string;
      penalty: number;
      paused: boolean;
      pausedReason: string;
      membership: string;
      status: number;
      callsTaken: number;
    }>;
  }>;
  astdb: Record<string, Record<string, string>>;
  globals: Record<string, string>;
}

/** ast_str_case_hash(exten) modulo the hint container's 563 buckets. */
function hintBucket(exten: string): number {
  let h = 5381;
  for (const ch of exten.toLowerCase()) h = (Math.imul(h, 33) ^ ch.charCodeAt(0)) >>> 0;
  return (h & 0x7fffffff) % 563;
}
