/**
 * The console's client of the cloud's event stream (README "The event
 * stream"): a ticket for the filter (POST …/stream-tickets, with the tab's
 * key), a WebSocket to the ticket's `url` (`/v1/stream?ticket=…` on the
 * console's origin; on AWS the stream's own API, `wss://…/prod?ticket=…`)
 * plus `[&state=1][&after=…]`,
 * and on any loss a new ticket and a new connection after a growing delay,
 * resuming with `after=<the last event id of each site>` so that no event is
 * lost or repeated across a blip. A reconnecting `&state=1` connection gets
 * each site's full state again first.
 *
 *   const stream = openStream({ ticketUrl: (f) => tenant.streamTicket(f), filter: { siteIds: [id] }, state: true,
 *     onMessage: (m) => …, onStatus: (s) => … });
 *   stream.close();
 *
 * The connection's life is a small state machine (connecting → open →
 * retrying → connecting …, closed at the end), reported through `onStatus`.
 * Sockets, timers, the clock and randomness are injected: the pure parts
 * (URL, delay, `after`) and the machine are tested without a browser.
 */

import type { EventMessage, StreamMessage } from '../../../cloud/src/stream/messages.js';

export type { EventMessage, StreamMessage };
export type { StateMessage } from '../../../cloud/src/stream/messages.js';

/** What the stream keeps (README "Filters"); every part optional, each narrowing. */
export interface StreamFilter {
  siteIds?: string[];
  events?: string[];
  extensions?: string[];
}

export type StreamStatus =
  /** `since`: when the connection was lost, on a reconnect. */
  | { phase: 'connecting'; attempt: number; since?: number }
  | { phase: 'open'; since: number }
  /** Lost (or never opened): the next try is at `retryAt` (epoch ms). */
  | { phase: 'retrying'; attempt: number; retryAt: number; since: number; error: string }
  /** Closed by the page, or refused for good (the key no longer may read). */
  | { phase: 'closed'; error?: string };

/** The part of a browser WebSocket the client uses. */
export interface SocketLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  close(code?: number, reason?: string): void;
}

export interface StreamOptions {
  /** A ticket for `filter` (the tenant's POST …/stream-tickets): its `url`. A rejection with status 401/403 stops retrying (isPermanent). */
  ticketUrl(filter: StreamFilter): Promise<string>;
  filter: StreamFilter;
  /** Ask for each site's live state too (`&state=1`). */
  state?: boolean;
  onMessage(message: StreamMessage): void;
  onStatus?(status: StreamStatus): void;
  /** Where the console is served from (a ticket's relative url is on this origin). */
  location?: { protocol: string; host: string };
  socket?(url: string): SocketLike;
  setTimer?(fn: () => void, ms: number): unknown;
  clearTimer?(handle: unknown): void;
  now?(): number;
  /** Delay before the attempt-th retry (1, 2, …). */
  retryDelay?(attempt: number): number;
}

export interface Stream {
  close(): void;
  status(): StreamStatus;
}

/** The cloud pings every 25 s: nothing for this long means the connection is dead even if no close came. */
export const SILENCE_MS = 60_000;
const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 30_000;
/** The stream's close code for an `after` it cannot resume from (cloud/src/stream/messages.ts STREAM_CLOSE). */
const AFTER_EXPIRED = 4410;

/** Exponential, capped, with jitter (half to all of it) so that a cloud restart is not met by every tab at once. */
export function retryDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling * (0.5 + random() / 2));
}

/**
 * The URL to open: the ticket's `url` as the cloud gave it — relative (on the
 * console's origin, ws: or wss: as the page) or absolute (the stream's own
 * API, AWS) — with `state` and `after` added.
 */
export function streamUrl(location: { protocol: string; host: string }, ticketUrl: string, o: { state?: boolean; after?: string } = {}): string {
  const url = new URL(ticketUrl, `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`);
  if (url.protocol === 'https:' || url.protocol === 'http:') url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  if (o.state) url.searchParams.set('state', '1');
  if (o.after) url.searchParams.set('after', o.after);
  return url.toString();
}

/** `after` for a reconnect: the last event id of each site, comma-separated; undefined before any event. */
export function afterOf(lastIds: ReadonlyMap<string, string>): string | undefined {
  return lastIds.size ? [...lastIds.values()].join(',') : undefined;
}

/** A ticket failure that retrying will not cure (the cloud's 401/403, or one marked `permanent`): the client stops. */
export function isPermanent(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { permanent?: unknown; status?: unknown };
  return e.permanent === true || e.status === 401 || e.status === 403;
}

export function openStream(o: StreamOptions): Stream {
  const setTimer = o.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = o.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  const now = o.now ?? Date.now;
  const delay = o.retryDelay ?? ((n) => retryDelay(n));
  const socketOf = o.socket ?? ((url) => new WebSocket(url) as unknown as SocketLike);
  const lastIds = new Map<string, string>();
  let status: StreamStatus = { phase: 'connecting', attempt: 0 };
  let socket: SocketLike | undefined;
  let retryTimer: unknown;
  let silenceTimer: unknown;
  let attempt = 0;
  let lostAt: number | undefined;

  // A function, not a test of `status` inline: TypeScript would narrow it across the awaits.
  const closed = () => status.phase === 'closed';
  const report = (s: StreamStatus) => {
    status = s;
    o.onStatus?.(s);
  };
  const watch = () => {
    if (silenceTimer !== undefined) clearTimer(silenceTimer);
    silenceTimer = setTimer(() => lost(socket, 'no message for ' + SILENCE_MS / 1000 + ' s'), SILENCE_MS);
  };
  const lost = (from: SocketLike | undefined, error: string) => {
    if (closed() || from !== socket) return;
    if (silenceTimer !== undefined) clearTimer(silenceTimer);
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
      socket.close();
      socket = undefined;
    }
    attempt += 1;
    lostAt ??= now();
    const wait = delay(attempt);
    report({ phase: 'retrying', attempt, retryAt: now() + wait, since: lostAt, error });
    retryTimer = setTimer(connect, wait);
  };

  async function connect(): Promise<void> {
    if (closed()) return;
    report({ phase: 'connecting', attempt, ...(lostAt === undefined ? {} : { since: lostAt }) });
    let ticketUrl: string;
    try {
      ticketUrl = await o.ticketUrl(o.filter);
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      if (isPermanent(err)) report({ phase: 'closed', error });
      else lost(socket, error);
      return;
    }
    if (closed()) return;
    const ws = socketOf(streamUrl(o.location ?? globalThis.location, ticketUrl, { state: o.state, after: afterOf(lastIds) }));
    socket = ws;
    ws.onopen = () => {
      if (ws !== socket) return;
      attempt = 0;
      lostAt = undefined;
      report({ phase: 'open', since: now() });
      watch();
    };
    ws.onmessage = (ev) => {
      if (ws !== socket || typeof ev.data !== 'string') return;
      watch();
      let m: StreamMessage;
      try {
        m = JSON.parse(ev.data) as StreamMessage;
      } catch {
        return;
      }
      if (m.type === 'event' && m.siteId) lastIds.set(m.siteId, m.id);
      o.onMessage(m);
    };
    ws.onclose = (ev) => {
      if (ev.code === AFTER_EXPIRED) lastIds.clear();
      lost(ws, ev.reason ? `${ev.code} ${ev.reason}` : `closed (${ev.code})`);
    };
    ws.onerror = () => lost(ws, 'connection failed');
  }

  void connect();
  return {
    close() {
      report({ phase: 'closed' });
      for (const t of [retryTimer, silenceTimer]) if (t !== undefined) clearTimer(t);
      if (socket) {
        socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
        socket.close(1000, 'page closed');
        socket = undefined;
      }
    },
    status: () => status,
  };
}
