/**
 * What the wallboard makes of a site's live state, pure (the current time is
 * an argument: the page has one ticking clock): each extension's status in one
 * word, the calls and waiting callers in order with how long they have run,
 * each queue member's state.
 */

import type { LiveCall, LiveCaller, LiveExtension, LiveMember, LiveQueue, LiveState } from '../../../protocol/src/live/state.js';

/**
 * An extension's status in one word. `extension-hints-status` sums flags
 * ("9" = in use and ringing): the one that matters most to a supervisor wins
 * (a ringing phone over one on hold over a busy one …).
 */
export const EXTENSION_KINDS = ['ringing', 'onHold', 'busy', 'inUse', 'idle', 'unavailable', 'unknown'] as const;
export type ExtensionKind = (typeof EXTENSION_KINDS)[number];

const FLAGS: ReadonlyArray<[number, ExtensionKind]> = [
  [8, 'ringing'],
  [16, 'onHold'],
  [2, 'busy'],
  [1, 'inUse'],
  [4, 'unavailable'],
];

export function extensionKind(e: Pick<LiveExtension, 'status' | 'registration'>): ExtensionKind {
  const n = Number(e.status);
  if (!Number.isInteger(n) || n < 0) return 'unknown';
  for (const [flag, kind] of FLAGS) if (n & flag) return kind;
  // Idle by its hint, but Asterisk says the phone is not registered: it cannot take a call.
  if (e.registration === 'unregistered' || e.registration === 'unreachable') return 'unavailable';
  return 'idle';
}

/** Extension numbers in dialling order (801 before 1001, then by text). */
export function byNumber(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

export function extensionsInOrder(state: LiveState): LiveExtension[] {
  return Object.values(state.extensions).sort((a, b) => byNumber(a.extension, b.extension));
}

/** Whole seconds from an ISO instant to `nowMs`, never negative (the relay's clock may be ahead of the browser's). */
export function secondsSince(iso: string, nowMs: number): number {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : Math.max(0, Math.floor((nowMs - t) / 1000));
}

/** A running duration as a clock shows it: `m:ss`, `h:mm:ss` past the hour. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const two = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}:${two(m)}:${two(s % 60)}` : `${m}:${two(s % 60)}`;
}

/** Calls in progress, the longest-running first. */
export function callsInOrder(state: LiveState): LiveCall[] {
  return Object.values(state.calls).sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id));
}

export function queuesInOrder(state: LiveState): LiveQueue[] {
  return Object.values(state.queues).sort((a, b) => byNumber(a.name, b.name));
}

/** A queue's waiting callers, the next to be answered first. */
export function callersInOrder(q: LiveQueue): LiveCaller[] {
  return Object.values(q.callers).sort((a, b) => a.position - b.position || a.since.localeCompare(b.since));
}

export function membersInOrder(q: LiveQueue): LiveMember[] {
  return Object.values(q.members).sort((a, b) => byNumber(a.interface, b.interface));
}

/** A member's state in one word: in a call, paused (with its reason beside), unavailable (app_queue's device status 4 invalid, 5 unavailable), or ready. */
export type MemberKind = 'inCall' | 'paused' | 'unavailable' | 'ready';

export function memberKind(m: LiveMember): MemberKind {
  if (m.inCall) return 'inCall';
  if (m.paused) return 'paused';
  if (m.deviceStatus === 4 || m.deviceStatus === 5) return 'unavailable';
  return 'ready';
}

/** The extension a member interface names (`sip/803`, `local/803@from-queue/n` → 803), to show beside it. */
export function memberExtension(iface: string): string {
  return iface.replace(/^[^/]+\//, '').replace(/@.*$/, '');
}

/** Today's figures come from the cloud's records: an event that ends a call (a record) is when they change. */
export function endsACall(eventType: unknown): boolean {
  return eventType === 'cdr' || eventType === 'cc_cdr';
}
