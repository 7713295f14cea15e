/**
 * Apply live-state changes to a state. Pure: returns a new state and leaves
 * its input alone (the cloud keeps the previous one until the write that
 * stores the next one succeeded). Removing what is not there and upserting
 * what is already there are no-ops, so a change applied twice does no harm.
 */

import type { LiveChange, LiveQueue, LiveState } from './state.js';

export function emptyLiveState(): LiveState {
  return { extensions: {}, calls: {}, queues: {} };
}

function queueOf(state: LiveState, name: string): LiveQueue {
  const q = state.queues[name];
  if (q) {
    const copy = { name, members: { ...q.members }, callers: { ...q.callers } };
    state.queues[name] = copy;
    return copy;
  }
  const made: LiveQueue = { name, members: {}, callers: {} };
  state.queues[name] = made;
  return made;
}

function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  if (!(key in record)) return record;
  const { [key]: _gone, ...rest } = record;
  return rest;
}

/** Apply one change in place on a state whose top-level maps are already copies. */
function applyOne(state: LiveState, change: LiveChange): void {
  switch (change.op) {
    case 'extension':
      state.extensions[change.extension.extension] = change.extension;
      return;
    case 'extension-removed':
      state.extensions = without(state.extensions, change.extension);
      return;
    case 'call':
      state.calls[change.call.id] = change.call;
      return;
    case 'call-removed':
      state.calls = without(state.calls, change.id);
      return;
    case 'queue':
      queueOf(state, change.queue);
      return;
    case 'queue-removed':
      state.queues = without(state.queues, change.queue);
      return;
    case 'member':
      queueOf(state, change.queue).members[change.member.interface] = change.member;
      return;
    case 'member-removed':
      if (state.queues[change.queue]) queueOf(state, change.queue).members = without(state.queues[change.queue].members, change.interface);
      return;
    case 'caller':
      queueOf(state, change.queue).callers[change.caller.uniqueid] = change.caller;
      return;
    case 'caller-removed':
      if (state.queues[change.queue]) queueOf(state, change.queue).callers = without(state.queues[change.queue].callers, change.uniqueid);
      return;
    case 'truncated':
      if (change.truncated) state.truncated = true;
      else delete state.truncated;
      return;
  }
}

/** `state` with `changes` applied in order; `reset`: start from an empty state (a full snapshot). */
export function applyLiveChanges(state: LiveState, changes: readonly LiveChange[], reset = false): LiveState {
  const base = reset ? emptyLiveState() : state;
  const next: LiveState = { ...base, extensions: { ...base.extensions }, calls: { ...base.calls }, queues: { ...base.queues } };
  for (const c of changes) applyOne(next, c);
  return next;
}

/** The changes that build `state` from nothing: what a full snapshot carries. */
export function liveStateAsChanges(state: LiveState): LiveChange[] {
  const out: LiveChange[] = [];
  for (const extension of Object.values(state.extensions)) out.push({ op: 'extension', extension });
  for (const [queue, q] of Object.entries(state.queues)) {
    out.push({ op: 'queue', queue });
    for (const member of Object.values(q.members)) out.push({ op: 'member', queue, member });
    for (const caller of Object.values(q.callers)) out.push({ op: 'caller', queue, caller });
  }
  for (const call of Object.values(state.calls)) out.push({ op: 'call', call });
  if (state.truncated) out.push({ op: 'truncated', truncated: true });
  return out;
}
