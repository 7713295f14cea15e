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
}

export interface Call {
  linkedid: string;
  channels: Set<string>;
  pendingIvr: PendingIvr[];
  /** Message time the last channel hung up; the call is dropped a grace period later. */
  finishedSec?: number;
}

export class MapperState {
  readonly channels = new Map<string, Channel>();
  readonly channelsByName = new Map<string, string>();
  readonly calls = new Map<string, Call>();
  readonly dials = new Map<string, Dial>();
  /** Channel uniqueid → destination uniqueids of the dials it is caller or destination of. */
  readonly dialsOf = new Map<string, Set<string>>();
  dialSeq = 0;

  addDial(dial: Dial): void {
    this.dials.set(dial.destUniqueid, dial);
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
    for (const id of [d.destUniqueid, d.callerUniqueid]) {
      const set = this.dialsOf.get(id);
      set?.delete(destUniqueid);
      if (set && set.size === 0) this.dialsOf.delete(id);
    }
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
    }
    return call;
  }

  addChannel(ch: Channel): void {
    this.channels.set(ch.uniqueid, ch);
    this.channelsByName.set(ch.name, ch.uniqueid);
    const call = this.call(ch.linkedid);
    call.channels.add(ch.uniqueid);
    call.finishedSec = undefined;
  }

  /** Move a channel to another call (Linkedid can change, e.g. on transfers). */
  relink(ch: Channel, linkedid: string): void {
    if (ch.linkedid === linkedid) return;
    this.calls.get(ch.linkedid)?.channels.delete(ch.uniqueid);
    ch.linkedid = linkedid;
    this.call(linkedid).channels.add(ch.uniqueid);
  }

  /** Mark the call finished once every channel in it has hung up. */
  noteHangup(ch: Channel, sec: number): void {
    const call = this.calls.get(ch.linkedid);
    if (!call) return;
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
      for (const id of call.channels) {
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
