/**
 * One extension's part of a site's live state, for the agent toolbar: which
 * queues it is a member of (paused or not, why), the call it is in, and the
 * after-call countdown. Pure: the time is an argument.
 *
 * After-call work (edge-relay/src/events/wrapup.ts, wrapup-runner.ts): at
 * AgentComplete the relay pauses the member in every queue with the reason
 * `wrapup` and unpauses it `wrapup_seconds` later. The live state says the
 * member is paused with that reason and sets `lastCall` to that moment
 * (edge-relay/src/live/tracker.ts); the site says the length
 * (`relay.wrapupSeconds`). Their sum is when the pause ends.
 */

import type { LiveCall, LiveMember, LiveState } from '../../../protocol/src/live/state.js';

/** The pause reason the relay's after-call work sets. */
export const WRAPUP_REASON = 'wrapup';

/**
 * The extension a device, channel or queue interface names: `SIP/803`,
 * `SIP/803-0000000b`, `pjsip/803`, `Local/803@from-queue/n` → `803`.
 */
export function extensionOf(name: string): string {
  const afterTech = name.includes('/') ? name.slice(name.indexOf('/') + 1) : name;
  return afterTech.split(/[@-]/)[0] ?? '';
}

export interface Membership {
  queue: string;
  member: LiveMember;
}

/** The queues the extension is a member of, by queue name. */
export function membershipsOf(state: LiveState, extension: string): Membership[] {
  const out: Membership[] = [];
  for (const q of Object.values(state.queues)) {
    for (const m of Object.values(q.members)) if (extensionOf(m.interface) === extension) out.push({ queue: q.name, member: m });
  }
  return out.sort((a, b) => a.queue.localeCompare(b.queue, 'en', { numeric: true }));
}

/** Every queue of the site, by name (for logging in to one the extension is not in yet). */
export function queueNames(state: LiveState): string[] {
  return Object.keys(state.queues).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/** The call the extension is in (a channel of its device), if any. */
export function callOf(state: LiveState, extension: string): LiveCall | undefined {
  return Object.values(state.calls).find((c) => c.channels.some((ch) => extensionOf(ch.name) === extension));
}

/** When the member's after-call pause ends (epoch ms); undefined when it is not in one, or the length is not known. */
export function wrapupEndsAt(member: LiveMember, wrapupSeconds: number | null | undefined): number | undefined {
  if (!member.paused || member.pausedReason !== WRAPUP_REASON || !wrapupSeconds || !member.lastCall) return undefined;
  const started = Date.parse(member.lastCall);
  return Number.isFinite(started) ? started + wrapupSeconds * 1000 : undefined;
}

/** Whole seconds left until `endsAt` (rounded up, never below 0). */
export function secondsLeft(endsAt: number, now: number): number {
  return Math.max(0, Math.ceil((endsAt - now) / 1000));
}

/**
 * Seconds left of the member's after-call pause, or undefined when it is not
 * in one. Never more than the whole wrap-up: the PBX's clock (which stamped
 * `lastCall`) may run a little ahead of the browser's.
 */
export function wrapupLeft(member: LiveMember, wrapupSeconds: number | null | undefined, now: number): number | undefined {
  const ends = wrapupEndsAt(member, wrapupSeconds);
  return ends === undefined ? undefined : Math.min(secondsLeft(ends, now), wrapupSeconds ?? 0);
}

/** `m:ss` for a countdown. */
export function clock(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
