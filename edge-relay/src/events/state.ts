/**
 * What the mapper remembers between AMI messages: channels by Uniqueid, calls
 * by Linkedid, dials by destination Uniqueid, call-center records by caller
 * Uniqueid. Bounded: a finished call is forgotten a grace period after its
 * last channel hung up (its Cdr events may come late), and a channel that never
 * reports a Hangup is expired after a long silence.
 */

import type { IvrMenu } from '../config/config.js';

export interface IvrVisit {
  context: string;
  menu: IvrMenu;
  startSec: number;
  /** DTMF digits received during the visit, in order. */
  dtmf: string;
  /** Taken up from a snapshot: its start and earlier digits are not known. */
  partial?: true;
}

export interface Channel {
  uniqueid: string;
  name: string;
  linkedid: string;
  callerNum: string;
  callerName: string;
  connectedNum: string;
  connectedName: string;
  context: string;
  createdSec: number;
  lastSeenSec: number;
  /** Number of the last mapped message that mentioned this channel (see EventMapper.messages). */
  lastMessage: number;
  hungUpSec?: number;
  /** The far end hung up (HangupRequest), as opposed to the dialplan or AMI. */
  hangupRequested: boolean;
  /** MIXMONITOR_FILENAME as set on the channel. */
  recording?: string;
  visit?: IvrVisit;
  /** First extension dialled in an inbound context (the DID). */
  did?: string;
  holdSinceSec?: number;
  /** Not in Asterisk's channel list after an outage (snapshot time): waits to be closed from Asterisk's records. */
  goneSec?: number;
  /** Up while the relay was not listening (a restart or an AMI reconnect): events may have been missed. */
  blind?: true;
}

export interface DialParty {
  channel: string;
  calleridnum: string;
  destchannel: string;
  destcalleridnum: string;
  uniqueid: string;
}

export interface Dial {
  destUniqueid: string;
  callerUniqueid: string;
  /** Fields for dialend: from the first DialEnd, else from DialBegin. */
  party: DialParty;
  answered: boolean;
  ended: boolean;
  /** DialBegin order, for pushing several dialends in the order their dials began. */
  order: number;
  /** The call (Linkedid) the dial belongs to. */
  call?: string;
}

/** An ivr event that ended but waits to learn the queue the call goes to next. */
export interface PendingIvr {
  uniqueid: string;
  call: string;
  caller: string;
  callType: string;
  startSec: number;
  endSec: number;
  menu: IvrMenu;
  dtmf: string;
  trunkNumber: string;
  /** The relay did not see all of the visit. */
  partial?: true;
}

export interface Call {
  linkedid: string;
  channels: Set<string>;
  pendingIvr: PendingIvr[];
  /** Message time the last channel hung up; the call is dropped a grace period later. */
  finishedSec?: number;
}

/**
 * What changed since the state was last committed (events/persist.ts):
 * channel uniqueids (their channel, call-center record and dial, all keyed by
 * it) and call linkedids. Each is written whole, or as gone.
 */
export class Changes {
  readonly ids = new Set<string>();
  readonly calls = new Set<string>();
  readonly extens = new Set<string>();
  /** Anything else (counters, the time base). */
  other = false;

  id(uniqueid: string | undefined): void {
    if (uniqueid) this.ids.add(uniqueid);
  }

  call(linkedid: string | undefined): void {
    if (linkedid) this.calls.add(linkedid);
  }

  get any(): boolean {
    return this.other || this.ids.size > 0 || this.calls.size > 0 || this.extens.size > 0;
  }

  clear(): void {
    this.ids.clear();
    this.calls.clear();
    this.extens.clear();
    this.other = false;
  }
}

export class MapperState {
  readonly changes = new Changes();
  readonly channels = new Map<string, Channel>();
  readonly channelsByName = new Map<string, string>();
  readonly calls = new Map<string, Call>();
  readonly dials = new Map<string, Dial>();
  /** Channel uniqueid → destination uniqueids of the dials it is caller or destination of. */
  readonly dialsOf = new Map<string, Set<string>>();
  dialSeq = 0;

  addDial(dial: Dial): void {
    this.dials.set(dial.destUniqueid, dial);
    this.changes.id(dial.destUniqueid);
    this.changes.other = true;
    for (const id of [dial.destUniqueid, dial.callerUniqueid]) {
      if (!id) continue;
      let set = this.dialsOf.get(id);
      if (!set) this.dialsOf.set(id, (set = new Set()));
      set.add(dial.destUniqueid);
    }
  }

  /** The dials a channel takes part in. */
  dialsOfChannel(uniqueid: string): Dial[] {
    const out: Dial[] = [];
    for (const dest of this.dialsOf.get(uniqueid) ?? []) {
      const d = this.dials.get(dest);
      if (d) out.push(d);
    }
    return out;
  }

  private forgetDial(destUniqueid: string): void {
    const d = this.dials.get(destUniqueid);
    if (!d) return;
    this.dials.delete(destUniqueid);
    this.changes.id(destUniqueid);
    for (const id of [d.destUniqueid, d.callerUniqueid]) {
      const set = this.dialsOf.get(id);
      set?.delete(destUniqueid);
      if (set && set.size === 0) this.dialsOf.delete(id);
    }
  }

  /** Rebuild the indexes from channels and dials (after a restore). */
  reindex(): void {
    this.channelsByName.clear();
    for (const ch of this.channels.values()) this.channelsByName.set(ch.name, ch.uniqueid);
    this.dialsOf.clear();
    for (const dial of [...this.dials.values()]) this.addDial(dial);
  }

  channel(uniqueid: string | undefined): Channel | undefined {
    return uniqueid === undefined ? undefined : this.channels.get(uniqueid);
  }

  byName(name: string | undefined): Channel | undefined {
    if (!name) return undefined;
    const id = this.channelsByName.get(name);
    return id === undefined ? undefined : this.channels.get(id);
  }

  call(linkedid: string): Call {
    let call = this.calls.get(linkedid);
    if (!call) {
      call = { linkedid, channels: new Set(), pendingIvr: [] };
      this.calls.set(linkedid, call);
      this.changes.call(linkedid);
    }
    return call;
  }

  addChannel(ch: Channel): void {
    this.channels.set(ch.uniqueid, ch);
    this.changes.id(ch.uniqueid);
    this.changes.call(ch.linkedid);
    this.channelsByName.set(ch.name, ch.uniqueid);
    const call = this.call(ch.linkedid);
    call.channels.add(ch.uniqueid);
    call.finishedSec = undefined;
  }

  /** Move a channel to another call (Linkedid can change, e.g. on transfers). */
  relink(ch: Channel, linkedid: string): void {
    if (ch.linkedid === linkedid) return;
    this.changes.call(ch.linkedid);
    this.changes.call(linkedid);
    this.changes.id(ch.uniqueid);
    this.calls.get(ch.linkedid)?.channels.delete(ch.uniqueid);
    ch.linkedid = linkedid;
    this.call(linkedid).channels.add(ch.uniqueid);
  }

  /** Mark the call finished once every channel in it has hung up. */
  noteHangup(ch: Channel, sec: number): void {
    const call = this.calls.get(ch.linkedid);
    if (!call) return;
    this.changes.call(ch.linkedid);
    for (const id of call.channels) {
      const other = this.channels.get(id);
      if (other && other.hungUpSec === undefined) return;
    }
    call.finishedSec = sec;
  }

  /** Forget finished calls older than the grace period, and silent channels. */
  expire(nowSec: number, graceSec: number, maxSilenceSec: number): Channel[] {
    const silent: Channel[] = [];
    for (const ch of this.channels.values()) {
      if (ch.hungUpSec === undefined && nowSec - ch.lastSeenSec > maxSilenceSec) silent.push(ch);
    }
    for (const [linkedid, call] of this.calls) {
      if (call.finishedSec === undefined || nowSec - call.finishedSec < graceSec) continue;
      this.changes.call(linkedid);
      for (const id of call.channels) {
        this.changes.id(id);
        const ch = this.channels.get(id);
        if (ch) {
          this.channels.delete(id);
          if (this.channelsByName.get(ch.name) === id) this.channelsByName.delete(ch.name);
        }
        this.forgetDial(id);
      }
      this.calls.delete(linkedid);
    }
    for (const [id, dial] of this.dials) if (dial.ended && !this.channels.has(id) && !this.channels.has(dial.callerUniqueid)) this.forgetDial(id);
    return silent;
  }
}
