/**
 * The site's live state, followed from the AMI messages the mapper sees:
 * pure (messages and times in, changes out; no I/O, no timers). The relay
 * feeds it every event and, after each login, the snapshot lists; the
 * uplink (live-uplink.ts) takes the changes in batches and, after a
 * rebuild or on request, the whole state.
 *
 * Changes are coalesced by entity while they wait to be taken: a call that
 * changed ten times in one batch goes out once, as it is now.
 */

import type { AmiMessage } from '../../../ami-codec/src/message.js';
import { LIVE_LIMITS, type LiveChange, type LiveChannel, type LiveExtension, type LiveMember, type LiveState } from '../../../protocol/src/live/state.js';
import { clean } from '../events/names.js';
import { messageTime } from '../events/time.js';
import { callView, listedCalls, listedQueues, type CallRec, type QueueRec } from './lists.js';
import { callerOf, channelOf, contactRegistration, extensionOf, iso, memberInterface, memberOf, peerRegistration } from './parts.js';

type Registration = NonNullable<LiveExtension['registration']>;

/** The snapshot lists (events/snapshot.ts): undefined parts failed and keep what was known. */
export interface LiveSnapshot {
  queues?: AmiMessage[];
  hints?: AmiMessage[];
  channels?: AmiMessage[];
}

export class LiveTracker {
  private extensions = new Map<string, LiveExtension>();
  /** Kept apart from extensions: a PeerStatus may come before the extension's hint is known. */
  private readonly registrations = new Map<string, Registration>();
  private calls = new Map<string, CallRec>();
  /** Channel uniqueid → its call's id. */
  private callOf = new Map<string, string>();
  private queues = new Map<string, QueueRec>();
  private readonly pending = new Map<string, LiveChange>();
  private truncated = false;
  /** False until the first login's lists came back: until then the state is what events said, not all there is. */
  complete = false;
  private messages = 0;
  /** Entity key → message number of its last change: what a snapshot answer may be older than. */
  private readonly updatedAt = new Map<string, number>();
  /** A snapshot was asked for and has not been applied: changes are noted in updatedAt. */
  private marked = false;
  private nowSec = 0;

  /** Apply one AMI event received at `atMs` (relay clock). */
  apply(m: AmiMessage, atMs: number): void {
    if (m.kind !== 'event') return;
    this.messages++;
    this.nowSec = messageTime(m, atMs).sec;
    switch (m.event) {
      case 'ExtensionStatus':
        return this.putExtension(extensionOf(m, this.extensions.get(clean(m.get('Exten')))));
      case 'PeerStatus':
        return this.register(peerRegistration(m));
      case 'ContactStatus':
        return this.register(contactRegistration(m));
      case 'Newchannel':
        return this.newChannel(m, this.nowSec);
      case 'Newstate':
      case 'NewCallerid':
      case 'NewConnectedLine':
        return this.updateChannel(m, (ch) => channelOf(m, ch));
      case 'Rename':
        return this.updateChannel(m, (ch) => ({ ...ch, name: clean(m.get('Newname')).slice(0, 256) || ch.name }));
      case 'Hold':
      case 'Unhold':
        return this.updateChannel(m, (ch) => ({ ...ch, onHold: m.event === 'Hold' }));
      case 'DialBegin':
      case 'DialEnd':
        return this.dial(m);
      case 'Hangup':
        return this.hangup(clean(m.get('Uniqueid')));
      case 'QueueCallerJoin':
        return this.callerJoined(m);
      case 'QueueCallerLeave':
        return this.callerLeft(clean(m.get('Queue')), clean(m.get('Uniqueid')));
      case 'AgentConnect':
        return this.agentConnected(m);
      case 'AgentComplete':
        return this.putMember(clean(m.get('Queue')), memberOf(m, this.member(m)), { inCall: false, lastCall: iso(this.nowSec) });
      case 'QueueMemberAdded':
      case 'QueueMemberStatus':
      case 'QueueMemberPause':
      case 'QueueMemberPenalty':
      case 'QueueMemberRinginuse':
        return this.putMember(clean(m.get('Queue')), memberOf(m, this.member(m)));
      case 'QueueMemberRemoved':
        return this.removeMember(clean(m.get('Queue')), memberInterface(m));
    }
  }

  /** Number of entities changed since the last take(). */
  get pendingChanges(): number {
    return this.pending.size;
  }

  /** The changes since the last take(), each entity once, as it is now. */
  take(): LiveChange[] {
    const out = [...this.pending.values()];
    this.pending.clear();
    return out;
  }

  /** Drop what waits to be taken: a full state is about to be sent instead. */
  discardPending(): void {
    this.pending.clear();
  }

  /** The whole state, as GET …/live serves it. */
  state(): LiveState {
    const s: LiveState = { extensions: Object.fromEntries(this.extensions), calls: {}, queues: {} };
    for (const rec of this.calls.values()) s.calls[rec.id] = callView(rec, this.waiting(rec));
    for (const [name, q] of this.queues) s.queues[name] = { name, members: Object.fromEntries(q.members), callers: Object.fromEntries(q.callers) };
    if (this.truncated) s.truncated = true;
    return s;
  }

  /**
   * A snapshot is being asked for now: from here on each change is noted with
   * its message number, until rebuild(), so an answer older than an event
   * cannot undo it. Returns the mark to pass to rebuild().
   */
  mark(): number {
    this.marked = true;
    return this.messages;
  }

  /**
   * Replace what the lists cover with what they say. A list is an answer to a
   * question asked at message `mark`: an event newer than the question wins,
   * so entities seen only after `mark` (a call that started meanwhile) stay,
   * and entities whose removal came after it (a hangup) do not come back.
   */
  rebuild(snap: LiveSnapshot, mark: number, atMs: number): void {
    const nowSec = atMs / 1000;
    if (snap.hints) {
      const ext = new Map<string, LiveExtension>();
      for (const h of snap.hints) {
        const e = h.event === 'ExtensionStatus' ? extensionOf(h, this.extensions.get(clean(h.get('Exten')))) : undefined;
        if (e && ext.size < LIVE_LIMITS.extensions) ext.set(e.extension, this.withRegistration(e));
      }
      this.extensions = this.newer(ext, this.extensions, (k) => `x:${k}`, mark);
    }
    if (snap.queues) this.queues = this.queuesFrom(snap.queues, nowSec, mark);
    if (snap.channels) this.channelsFrom(snap.channels, nowSec, mark);
    this.updatedAt.clear();
    this.marked = false;
    if (snap.hints && snap.queues && snap.channels) this.complete = true;
    this.pending.clear();
  }

  /** `listed` (an answer to a question asked at `mark`) where no event changed the entity since; else what the events said. */
  private newer<T>(listed: Map<string, T>, current: Map<string, T>, key: (k: string) => string, mark: number): Map<string, T> {
    for (const k of new Set([...listed.keys(), ...current.keys()])) {
      if ((this.updatedAt.get(key(k)) ?? 0) <= mark) continue;
      const now = current.get(k);
      if (now === undefined) listed.delete(k);
      else listed.set(k, now);
    }
    return listed;
  }

  // ── extensions ──────────────────────────────────────────────────────

  private putExtension(e: LiveExtension | undefined): void {
    if (!e) return;
    if (!this.extensions.has(e.extension) && this.extensions.size >= LIVE_LIMITS.extensions) return this.truncate();
    const ext = this.withRegistration(e);
    this.extensions.set(ext.extension, ext);
    this.change(`x:${ext.extension}`, { op: 'extension', extension: ext });
  }

  private withRegistration(e: LiveExtension): LiveExtension {
    const peer = e.hint?.replace(/^[^/]*\//, '') ?? e.extension;
    const registration = this.registrations.get(peer) ?? this.registrations.get(e.extension);
    return registration ? { ...e, registration } : e;
  }

  private register(r: { peer: string; registration: Registration } | undefined): void {
    if (!r) return;
    if (!this.registrations.has(r.peer) && this.registrations.size >= LIVE_LIMITS.extensions) return;
    this.registrations.set(r.peer, r.registration);
    for (const e of this.extensions.values()) {
      const peer = e.hint?.replace(/^[^/]*\//, '') ?? e.extension;
      if ((peer === r.peer || e.extension === r.peer) && e.registration !== r.registration) this.putExtension({ ...e, registration: r.registration });
    }
  }

  // ── calls ───────────────────────────────────────────────────────────

  private newChannel(m: AmiMessage, sec: number): void {
    const ch = channelOf(m);
    if (!ch) return;
    const id = clean(m.get('Linkedid')) || ch.uniqueid;
    let rec = this.calls.get(id);
    if (!rec) {
      if (this.calls.size >= LIVE_LIMITS.calls) return this.truncate();
      rec = { id, channels: new Map(), startedSec: sec };
      const exten = clean(m.get('Exten'));
      if (exten && exten !== 's') rec.dialled = { number: exten.slice(0, 256) };
      this.calls.set(id, rec);
    }
    if (rec.channels.size >= LIVE_LIMITS.channelsPerCall) return;
    rec.channels.set(ch.uniqueid, ch);
    this.callOf.set(ch.uniqueid, id);
    this.callChanged(rec);
  }

  private updateChannel(m: AmiMessage, update: (ch: LiveChannel) => LiveChannel | undefined): void {
    const uid = clean(m.get('Uniqueid'));
    const rec = this.calls.get(this.callOf.get(uid) ?? '');
    const ch = rec?.channels.get(uid);
    if (!rec || !ch) return;
    const next = update(ch);
    if (next) rec.channels.set(uid, next);
    this.callChanged(rec);
  }

  private dial(m: AmiMessage): void {
    const rec = this.calls.get(this.callOf.get(clean(m.get('Uniqueid'))) ?? '');
    const number = clean(m.get('DestCallerIDNum'));
    if (!rec || !number) return;
    const party = { number: number.slice(0, 256), ...(clean(m.get('DestCallerIDName')) ? { name: clean(m.get('DestCallerIDName')).slice(0, 256) } : {}) };
    if (m.event === 'DialBegin' && !rec.answered) rec.dialled = rec.dialled && rec.channels.size > 2 ? rec.dialled : party;
    if (m.event === 'DialEnd' && clean(m.get('DialStatus')) === 'ANSWER') rec.answered = party;
    this.callChanged(rec);
  }

  private hangup(uid: string): void {
    const id = this.callOf.get(uid);
    this.callOf.delete(uid);
    for (const [queue, q] of this.queues) if (q.callers.has(uid)) this.callerLeft(queue, uid);
    const rec = this.calls.get(id ?? '');
    if (!rec) return;
    rec.channels.delete(uid);
    if (rec.channels.size > 0) return this.callChanged(rec);
    this.calls.delete(rec.id);
    this.change(`c:${rec.id}`, { op: 'call-removed', id: rec.id });
  }

  private callChanged(rec: CallRec): void {
    this.change(`c:${rec.id}`, { op: 'call', call: callView(rec, this.waiting(rec)) });
  }

  private waiting(rec: CallRec): boolean {
    for (const q of this.queues.values()) for (const uid of rec.channels.keys()) if (q.callers.has(uid)) return true;
    return false;
  }

  private channelsFrom(items: AmiMessage[], nowSec: number, mark: number): void {
    const listed = listedCalls(items, nowSec, this.calls, () => (this.truncated = true));
    this.calls = this.newer(listed, this.calls, (k) => `c:${k}`, mark);
    this.callOf = new Map();
    for (const rec of this.calls.values()) for (const uid of rec.channels.keys()) this.callOf.set(uid, rec.id);
    for (const [queue, q] of this.queues) for (const uid of q.callers.keys()) this.callFor(uid, (rec) => (rec.queue = queue));
  }

  private callFor(uid: string, fn: (rec: CallRec) => void): void {
    const rec = this.calls.get(this.callOf.get(uid) ?? '');
    if (rec) fn(rec);
  }

  // ── queues ──────────────────────────────────────────────────────────

  private queue(name: string): QueueRec | undefined {
    let q = this.queues.get(name);
    if (!q) {
      if (this.queues.size >= LIVE_LIMITS.queues) return this.truncate();
      q = { members: new Map(), callers: new Map() };
      this.queues.set(name, q);
      this.change(`q:${name}`, { op: 'queue', queue: name });
    }
    return q;
  }

  private member(m: AmiMessage): LiveMember | undefined {
    return this.queues.get(clean(m.get('Queue')))?.members.get(memberInterface(m));
  }

  private putMember(queue: string, member: LiveMember | undefined, override?: Partial<LiveMember>): void {
    if (!queue || !member) return;
    const q = this.queue(queue);
    if (!q) return;
    if (!q.members.has(member.interface) && q.members.size >= LIVE_LIMITS.membersPerQueue) return this.truncate();
    const next = { ...member, ...override };
    q.members.set(next.interface, next);
    this.change(`m:${queue}\0${next.interface}`, { op: 'member', queue, member: next });
  }

  private removeMember(queue: string, iface: string): void {
    if (!this.queues.get(queue)?.members.delete(iface)) return;
    this.change(`m:${queue}\0${iface}`, { op: 'member-removed', queue, interface: iface });
  }

  private callerJoined(m: AmiMessage): void {
    const queue = clean(m.get('Queue'));
    const caller = callerOf(m, this.nowSec);
    const q = queue ? this.queue(queue) : undefined;
    if (!q || !caller) return;
    if (!q.callers.has(caller.uniqueid) && q.callers.size >= LIVE_LIMITS.callersPerQueue) return this.truncate();
    q.callers.set(caller.uniqueid, caller);
    this.change(`k:${queue}\0${caller.uniqueid}`, { op: 'caller', queue, caller });
    this.callFor(caller.uniqueid, (rec) => {
      rec.queue = queue;
      this.callChanged(rec);
    });
  }

  /** A caller left (answered, abandoned, timed out): the ones behind it move up. */
  private callerLeft(queue: string, uid: string): void {
    const q = this.queues.get(queue);
    const gone = q?.callers.get(uid);
    if (!q || !gone) return;
    q.callers.delete(uid);
    this.change(`k:${queue}\0${uid}`, { op: 'caller-removed', queue, uniqueid: uid });
    for (const c of q.callers.values()) {
      if (c.position <= gone.position) continue;
      const moved = { ...c, position: c.position - 1 };
      q.callers.set(c.uniqueid, moved);
      this.change(`k:${queue}\0${c.uniqueid}`, { op: 'caller', queue, caller: moved });
    }
    this.callFor(uid, (rec) => this.callChanged(rec));
  }

  private agentConnected(m: AmiMessage): void {
    const queue = clean(m.get('Queue'));
    const iface = memberInterface(m);
    this.putMember(queue, memberOf(m, this.member(m)), { inCall: true });
    this.callFor(clean(m.get('Uniqueid')), (rec) => {
      rec.queue = queue;
      if (iface) rec.agent = iface;
      this.callChanged(rec);
    });
  }

  private queuesFrom(items: AmiMessage[], nowSec: number, mark: number): Map<string, QueueRec> {
    const out = listedQueues(items, nowSec);
    for (const [name, q] of out) {
      const known = this.queues.get(name);
      q.members = this.newer(q.members, known?.members ?? new Map(), (k) => `m:${name}\0${k}`, mark);
      q.callers = this.newer(q.callers, known?.callers ?? new Map(), (k) => `k:${name}\0${k}`, mark);
    }
    return out;
  }

  private change(key: string, change: LiveChange): void {
    // Re-inserted at the end: the order of the batch is the order of the last changes.
    this.pending.delete(key);
    this.pending.set(key, change);
    // Bounded: a snapshot that never comes back must not let it grow forever.
    if (this.marked && this.updatedAt.size < 100_000) this.updatedAt.set(key, this.messages);
  }

  private truncate(): undefined {
    if (!this.truncated) {
      this.truncated = true;
      this.change('truncated', { op: 'truncated', truncated: true });
    }
    return undefined;
  }
}
