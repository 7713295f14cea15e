/**
 * One site's live state as a page shows it (README "Live state per site"):
 * the cloud's answer to GET …/sites/{siteId}/live, then the stream's `state`
 * messages applied to it. Pure: no clock, no I/O; the types are the cloud's
 * own (protocol/src/live/state.ts, cloud/src/live/publisher.ts), and changes
 * go through the one reducer the cloud uses (protocol/src/live/reduce.ts).
 *
 *   let s = fromView(await tenant.live(siteId));
 *   s = applyStateMessage(s, message);   // each {type:"state"} of the site
 *
 * `stale` is true whenever the state is not current (the relay is offline,
 * syncing, its AMI is down, …) and `reason` says why; `since` is when the
 * relay went (relay-offline). A stale state is still shown, as such.
 */

import { applyLiveChanges, emptyLiveState } from '../../../protocol/src/live/reduce.js';
import type { LiveState } from '../../../protocol/src/live/state.js';
import type { LiveStateMessage } from '../../../cloud/src/live/publisher.js';

/** Why a state is not current (the cloud's `reason`), plus `no-state` before anything was heard. */
export type StaleReason = 'relay-offline' | 'no-state' | 'syncing' | 'ami-disconnected' | 'too-large';

/** GET …/sites/{siteId}/live: the state with how current it is. */
export interface LiveView extends LiveState {
  siteId: string;
  at: string | null;
  online: boolean;
  stale: boolean;
  reason?: StaleReason;
  since: string | null;
  amiConnected: boolean;
}

export interface SiteLive {
  siteId: string;
  state: LiveState;
  /** When the relay took the state (ISO), null before any. */
  at: string | null;
  online: boolean;
  stale: boolean;
  reason?: StaleReason;
  /** relay-offline: since when. */
  since: string | null;
}

/** Nothing heard yet about the site. */
export function unknownSite(siteId: string): SiteLive {
  return { siteId, state: emptyLiveState(), at: null, online: false, stale: true, reason: 'no-state', since: null };
}

export function fromView(view: LiveView): SiteLive {
  const { siteId, at, online, stale, reason, since, amiConnected: _ami, extensions, calls, queues, truncated } = view;
  const state: LiveState = { extensions, calls, queues, ...(truncated ? { truncated } : {}) };
  return { siteId, state, at, online, stale, ...(stale ? { reason: reason ?? 'no-state' } : {}), since: reason === 'relay-offline' ? since : null };
}

/**
 * The /live answer arrived while the stream may already have delivered a
 * newer picture: keep whichever the relay took later.
 */
export function mergeView(current: SiteLive | undefined, view: LiveView): SiteLive {
  if (current && current.at !== null && (view.at === null || view.at < current.at)) return current;
  return fromView(view);
}

/** Apply one stream `state` message (of this site; others are left alone). */
export function applyStateMessage(s: SiteLive, m: LiveStateMessage): SiteLive {
  if (m.siteId !== s.siteId) return s;
  if (m.full) {
    const online = m.online !== false;
    return { siteId: s.siteId, state: m.full, at: m.at, online, stale: !online, ...(online ? {} : { reason: 'relay-offline' as const }), since: online ? null : m.at };
  }
  let next = s;
  if (m.changes && m.changes.length > 0) next = { ...next, state: applyLiveChanges(next.state, m.changes), at: m.at };
  if (m.online === false) next = { ...next, online: false, stale: true, reason: 'relay-offline', since: m.at };
  // The relay is back but its snapshot has not come yet: still not current.
  else if (m.online === true && !next.online) next = { ...next, online: true, stale: true, reason: 'syncing', since: null };
  return next;
}
