/**
 * A site's live state as one extension's agent sees it (an agent link,
 * api/agent-scope.ts): its extension, the calls it is in, and the queues it
 * is a member of with their waiting callers (its own membership only; the
 * other members are not its business). Pure.
 *
 * ExtensionLiveView turns a site's stream of state messages (a full state,
 * then changes) into the same stream of the reduced state: it keeps the
 * site's state, reduces it after each message and sends what changed in the
 * reduced one, so a call that comes to involve the extension appears and one
 * that stops involving it goes, whatever change made it so.
 */

import { applyLiveChanges, liveStateAsChanges } from '../../../protocol/src/live/reduce.js';
import { emptyLiveState, type LiveCall, type LiveChange, type LiveState } from '../../../protocol/src/live/state.js';
import { channelPeer } from '../stream/filter.js';
import type { LiveStateMessage } from './publisher.js';

/** A member interface (`sip/801`) or channel (`SIP/801-0000001a`) → `801`. */
const peerOf = channelPeer;

function callInvolves(call: LiveCall, extension: string): boolean {
  if (call.caller.number === extension || call.callee?.number === extension) return true;
  if (call.agent && peerOf(call.agent) === extension) return true;
  return call.channels.some((ch) => peerOf(ch.name) === extension || ch.callerNum === extension || ch.connectedNum === extension);
}

/** What of `state` concerns `extension`. */
export function liveForExtension(state: LiveState, extension: string): LiveState {
  const out: LiveState = emptyLiveState();
  const own = state.extensions[extension];
  if (own) out.extensions[extension] = own;
  for (const [id, call] of Object.entries(state.calls)) if (callInvolves(call, extension)) out.calls[id] = call;
  for (const [name, q] of Object.entries(state.queues)) {
    const members = Object.entries(q.members).filter(([iface]) => peerOf(iface) === extension);
    if (members.length) out.queues[name] = { name, members: Object.fromEntries(members), callers: q.callers };
  }
  if (state.truncated) out.truncated = true;
  return out;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The changes that turn `before` into `after` (removals first, then upserts of what is new or different). */
export function liveDiff(before: LiveState, after: LiveState): LiveChange[] {
  const out: LiveChange[] = [];
  for (const ext of Object.keys(before.extensions)) if (!after.extensions[ext]) out.push({ op: 'extension-removed', extension: ext });
  for (const id of Object.keys(before.calls)) if (!after.calls[id]) out.push({ op: 'call-removed', id });
  for (const [name, q] of Object.entries(before.queues)) {
    const now = after.queues[name];
    if (!now) {
      out.push({ op: 'queue-removed', queue: name });
      continue;
    }
    for (const iface of Object.keys(q.members)) if (!now.members[iface]) out.push({ op: 'member-removed', queue: name, interface: iface });
    for (const uid of Object.keys(q.callers)) if (!now.callers[uid]) out.push({ op: 'caller-removed', queue: name, uniqueid: uid });
  }
  for (const change of liveStateAsChanges(after)) {
    if (change.op === 'truncated') continue;
    if (!same(change, upsertIn(before, change))) out.push(change);
  }
  if (Boolean(before.truncated) !== Boolean(after.truncated)) out.push({ op: 'truncated', truncated: Boolean(after.truncated) });
  return out;
}

/** The upsert `change` would be if it were made from `state` (undefined when `state` has no such entity). */
function upsertIn(state: LiveState, change: LiveChange): LiveChange | undefined {
  switch (change.op) {
    case 'extension': {
      const e = state.extensions[change.extension.extension];
      return e && { op: 'extension', extension: e };
    }
    case 'call': {
      const c = state.calls[change.call.id];
      return c && { op: 'call', call: c };
    }
    case 'queue':
      return state.queues[change.queue] ? change : undefined;
    case 'member': {
      const m = state.queues[change.queue]?.members[change.member.interface];
      return m && { op: 'member', queue: change.queue, member: m };
    }
    case 'caller': {
      const c = state.queues[change.queue]?.callers[change.caller.uniqueid];
      return c && { op: 'caller', queue: change.queue, caller: c };
    }
    default:
      return undefined;
  }
}

/** One site's state messages, reduced to one extension (per stream connection). */
export class ExtensionLiveView {
  private site: LiveState = emptyLiveState();
  private shown: LiveState = emptyLiveState();

  constructor(private readonly extension: string) {}

  /** The message the agent gets for `msg`; undefined when nothing it sees changed. */
  next(msg: LiveStateMessage): LiveStateMessage | undefined {
    if (msg.full) this.site = msg.full;
    else if (msg.changes) this.site = applyLiveChanges(this.site, msg.changes);
    const before = this.shown;
    this.shown = liveForExtension(this.site, this.extension);
    const { full: _full, changes: _changes, ...rest } = msg;
    if (msg.full) return { ...rest, full: this.shown };
    const changes = liveDiff(before, this.shown);
    if (!changes.length && msg.online === undefined) return undefined;
    return changes.length ? { ...rest, changes } : rest;
  }
}
