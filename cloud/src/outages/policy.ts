/**
 * When a site's relay, or its AMI session, is down for the tenant: the pure
 * rules, apart from the I/O (presence.ts applies them to the stored state).
 *
 * - relay.offline: the site has had no connection for `graceMs` (30 s). A
 *   make-before-break switch (the new connection is there before the old one
 *   goes) or a quick reconnect is no outage. relay.online follows only an
 *   announced relay.offline.
 * - ami.down: the relay is connected, but has said for `graceMs` that AMI
 *   cannot serve commands (Asterisk down, login refused, no channel driver).
 *   ami.up follows only an announced ami.down. While the relay is offline its
 *   AMI is not judged (relay.offline says enough).
 * - A connection nothing has been heard on for `silentMs` is taken as gone,
 *   from when it was last heard: on AWS, $disconnect is best effort.
 *
 * The relay numbers its AMI statements (`amiChange`); an older one than the
 * state holds is ignored, since frames may be handled out of order.
 */

import type { OperationalEventType } from '../operational/types.js';

export interface OutageTiming {
  graceMs: number;
  silentMs: number;
}

/** 30 s of grace; silent after two missed pings (the relay pings every 30 s on AWS). */
export const OUTAGE_TIMING: OutageTiming = { graceMs: 30_000, silentMs: 60_000 };

/** What the relay says about its AMI side (tunnel frames hello and status). */
export interface AmiStatement {
  connected: boolean;
  /** The relay's count of changes; a higher one is newer. */
  change: number;
  reason?: string;
}

/** A site's relay as the cloud keeps it (store/relays.ts). Times are ISO strings. */
export interface SiteRelayState {
  siteId: string;
  tenantId: string;
  /** The active connection; absent while offline. */
  connectionId?: string;
  /** Where the connection lives: a local cloud process, or `apigw`. */
  node?: string;
  /** When the active connection (or the last one) started, and the relay's version. */
  since?: string;
  version?: string;
  /** What the relay's api.conf says about the site (its last hello): pop_url, and wrap_up seconds when after-call work is on. */
  popUrl?: string;
  wrapupSeconds?: number;
  ami: AmiStatement;
  /** When the relay was last heard from. */
  lastSeen?: string;
  /** Without a connection since (while offline). */
  offlineSince?: string;
  offlineAnnounced?: boolean;
  /** AMI unable to serve commands since (while connected; kept while offline once announced). */
  amiDownSince?: string;
  amiDownAnnounced?: boolean;
  /** Why the relay last lost its connection, or why its AMI was down when ami.down was announced. */
  lastReason?: string;
}

/** What a relay's hello says about the site (protocol/src/wire/frames.ts SiteSettings). */
export interface RelaySiteSettings {
  popUrl?: string;
  wrapupSeconds?: number;
}

/** Something the cloud saw happen to a site's relay. */
export type Observation =
  | { kind: 'connected'; siteId: string; tenantId: string; connectionId: string; node: string; since: string; version: string; settings?: RelaySiteSettings; ami: AmiStatement; at: number }
  | { kind: 'ami'; connectionId: string; ami: AmiStatement; at: number }
  /** `at`: when the connection was last alive. */
  | { kind: 'disconnected'; connectionId: string; reason: string; at: number }
  /** A relay's hello was refused (its numbering is behind the site's): the site says why; nothing else changes. */
  | { kind: 'refused'; reason: string }
  /** A timer or a sweep: is anything due? `gone`: the runtime found the connection gone (since when, and why). */
  | { kind: 'check'; gone?: Gone };

/** A connection found gone without a disconnect being seen. */
export interface Gone {
  /** When it was last alive. */
  at: number;
  reason: string;
}

/** An operational event to record; `key` identifies the occurrence (its event id is derived from it). */
export interface Announcement {
  type: OperationalEventType;
  since: string;
  reason: string;
  key: number;
}

export interface Decision {
  /** The new state; undefined: nothing changes. */
  next?: SiteRelayState;
  announce: Announcement[];
  /** The connection a `connected` took over from. */
  replaced?: string;
}

const iso = (ms: number) => new Date(ms).toISOString();
const ms = (t: string) => Date.parse(t);

/** Apply an observation, then announce whatever has become due by `now`. */
export function decide(state: SiteRelayState | undefined, obs: Observation, now: number, timing: OutageTiming): Decision {
  const announce: Announcement[] = [];
  let next = observe(state, obs, announce);
  if (!next && obs.kind === 'check' && state && due(state, now, timing)) next = { ...state };
  if (!next) return { announce };
  announceDue(next, now, timing, announce);
  const replaced = obs.kind === 'connected' && state?.connectionId && state.connectionId !== obs.connectionId ? state.connectionId : undefined;
  return { next, announce, replaced };
}

function observe(state: SiteRelayState | undefined, obs: Observation, announce: Announcement[]): SiteRelayState | undefined {
  switch (obs.kind) {
    case 'connected': {
      const next: SiteRelayState = {
        ...(state ?? { siteId: obs.siteId, ami: obs.ami }),
        tenantId: obs.tenantId,
        connectionId: obs.connectionId,
        node: obs.node,
        since: obs.since,
        version: obs.version,
        lastSeen: later(state?.lastSeen, obs.at),
      };
      // Each hello states the relay's settings afresh: one it no longer names is gone.
      delete next.popUrl;
      delete next.wrapupSeconds;
      if (obs.settings?.popUrl !== undefined) next.popUrl = obs.settings.popUrl;
      if (obs.settings?.wrapupSeconds !== undefined) next.wrapupSeconds = obs.settings.wrapupSeconds;
      if (next.offlineSince && next.offlineAnnounced) {
        announce.push({ type: 'relay.online', since: obs.since, reason: `relay ${obs.version} connected`, key: ms(next.offlineSince) });
      }
      delete next.offlineSince;
      delete next.offlineAnnounced;
      // A new connection may come from a restarted relay, whose count starts again.
      return withAmi(next, obs.ami, obs.at, announce);
    }
    case 'ami':
      if (!state || state.connectionId !== obs.connectionId || obs.ami.change < state.ami.change) return undefined;
      return withAmi({ ...state, lastSeen: later(state.lastSeen, obs.at) }, obs.ami, obs.at, announce);
    case 'disconnected':
      if (!state || state.connectionId !== obs.connectionId) return undefined;
      return gone(state, obs.at, obs.reason);
    case 'refused':
      return state ? { ...state, lastReason: obs.reason } : undefined;
    case 'check':
      return state?.connectionId && obs.gone ? gone(state, obs.gone.at, obs.gone.reason) : undefined;
  }
}

/** The AMI statement of the active connection. */
function withAmi(state: SiteRelayState, ami: AmiStatement, at: number, announce: Announcement[]): SiteRelayState {
  const next = { ...state, ami };
  if (ami.connected) {
    if (next.amiDownSince && next.amiDownAnnounced) announce.push({ type: 'ami.up', since: iso(at), reason: 'AMI session logged in', key: ms(next.amiDownSince) });
    delete next.amiDownSince;
    delete next.amiDownAnnounced;
  } else {
    next.amiDownSince ??= iso(at);
    next.amiDownAnnounced ??= false;
  }
  return next;
}

/**
 * The connection is gone: the site is without one since `at`, or since it was
 * last seen if that is later (a frame's handling may be noted after the
 * frame arrived): never offline before it was last seen.
 */
function gone(state: SiteRelayState, at: number, reason: string): SiteRelayState {
  const since = later(state.lastSeen, at);
  const next: SiteRelayState = { ...state, offlineSince: since, offlineAnnounced: false, lastReason: reason, lastSeen: since };
  delete next.connectionId;
  delete next.node;
  // An AMI outage not yet announced is not one now: relay.offline will say more.
  if (!next.amiDownAnnounced) {
    delete next.amiDownSince;
    delete next.amiDownAnnounced;
  }
  return next;
}

function announceDue(s: SiteRelayState, now: number, timing: OutageTiming, announce: Announcement[]): void {
  if (!s.connectionId && s.offlineSince && !s.offlineAnnounced && now - ms(s.offlineSince) >= timing.graceMs) {
    announce.push({ type: 'relay.offline', since: s.offlineSince, reason: s.lastReason ?? 'connection lost', key: ms(s.offlineSince) });
    s.offlineAnnounced = true;
  }
  if (s.connectionId && s.amiDownSince && !s.amiDownAnnounced && now - ms(s.amiDownSince) >= timing.graceMs) {
    const reason = s.ami.reason ?? 'AMI not connected';
    announce.push({ type: 'ami.down', since: s.amiDownSince, reason, key: ms(s.amiDownSince) });
    s.amiDownAnnounced = true;
    s.lastReason = `AMI: ${reason}`;
  }
}

/** When a check would next announce something (or find a connection silent), if ever. */
export function nextCheckAt(s: SiteRelayState, timing: OutageTiming): number | undefined {
  const times: number[] = [];
  if (!s.connectionId && s.offlineSince && !s.offlineAnnounced) times.push(ms(s.offlineSince) + timing.graceMs);
  if (s.connectionId && s.amiDownSince && !s.amiDownAnnounced) times.push(ms(s.amiDownSince) + timing.graceMs);
  return times.length > 0 ? Math.min(...times) : undefined;
}

/** Whether an announcement is due at `now` (a sweep skips the sites where none is and no connection is gone). */
export function due(s: SiteRelayState, now: number, timing: OutageTiming): boolean {
  const at = nextCheckAt(s, timing);
  return at !== undefined && at <= now;
}

/**
 * Where only frames tell that a relay is there (AWS: $disconnect is best
 * effort): its connection is gone once nothing was heard on it for `silentMs`,
 * since it was last heard.
 */
export function silence(s: SiteRelayState, now: number, timing: OutageTiming): Gone | undefined {
  if (!s.connectionId || s.lastSeen === undefined || now - ms(s.lastSeen) <= timing.silentMs) return undefined;
  return { at: ms(s.lastSeen), reason: `no frame from the relay for ${Math.round((now - ms(s.lastSeen)) / 1000)} s` };
}

function later(t: string | undefined, at: number): string {
  return t && ms(t) > at ? t : iso(at);
}
