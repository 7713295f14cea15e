/**
 * Preact hooks over the stream client and the site-state reducer, for the
 * pages that show something live (the wallboard, the agent toolbar):
 *
 *   const { status } = useStream({ siteIds: [siteId], extensions: ['801'] }, { onEvent });
 *   const { live, status } = useLiveSite(siteId, { onEvent });   // + the site's state
 *   const now = useNow();                                         // one ticking clock per page
 *
 * `onEvent` gets every event message (screen pops, refreshing figures when a
 * call ends); it may change between renders without reconnecting.
 */

import { useEffect, useRef, useState } from 'preact/hooks';
import { useConsole } from '../context.js';
import { applyStateMessage, mergeView, unknownSite, type SiteLive } from './site-state.js';
import { openStream, type EventMessage, type StreamFilter, type StreamMessage, type StreamStatus } from './stream.js';

export interface StreamHooks {
  onEvent?(event: EventMessage): void;
  /** Each `state` message too (`&state=1`). */
  onState?(message: Extract<StreamMessage, { type: 'state' }>): void;
}

/** Follow the stream through `filter` while the component is mounted (reconnects when the filter changes). */
export function useStream(filter: StreamFilter | undefined, hooks: StreamHooks = {}): StreamStatus {
  const { tenant } = useConsole();
  const [status, setStatus] = useState<StreamStatus>({ phase: 'connecting', attempt: 0 });
  const latest = useRef(hooks);
  latest.current = hooks;
  const key = filter ? JSON.stringify(filter) : '';
  useEffect(() => {
    if (!filter) return;
    const stream = openStream({
      ticketUrl: (f) => tenant.streamTicket(f),
      filter,
      state: latest.current.onState !== undefined,
      onStatus: setStatus,
      onMessage: (m) => {
        if (m.type === 'event') latest.current.onEvent?.(m);
        else if (m.type === 'state') latest.current.onState?.(m);
      },
    });
    return () => stream.close();
  }, [tenant, key]);
  return status;
}

/**
 * The stream says when the relay comes and goes, not when its AMI session
 * drops or a snapshot is pending: GET …/live is read again this often so
 * that the page says so too (mergeView keeps whatever the stream brought later).
 */
const LIVE_RECHECK_MS = 30_000;

export interface LiveSite {
  /** The state (current or stale, as it says), undefined until first heard. */
  live: SiteLive | undefined;
  status: StreamStatus;
  /** GET …/live failed (the stream may still bring the state). */
  error: unknown;
}

/** One site's live state: GET …/live (and again every 30 s), then the stream's state messages for it. */
export function useLiveSite(siteId: string | undefined, hooks: Pick<StreamHooks, 'onEvent'> = {}): LiveSite {
  const { tenant } = useConsole();
  const [live, setLive] = useState<SiteLive | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => {
    setLive(undefined);
    setError(undefined);
    if (!siteId) return;
    let gone = false;
    const read = () =>
      tenant.live(siteId).then(
        (view) => {
          if (gone) return;
          setError(undefined);
          setLive((s) => mergeView(s, view));
        },
        (err: unknown) => !gone && setError(err),
      );
    void read();
    const again = setInterval(read, LIVE_RECHECK_MS);
    return () => {
      gone = true;
      clearInterval(again);
    };
  }, [tenant, siteId]);
  const status = useStream(siteId ? { siteIds: [siteId] } : undefined, {
    onEvent: hooks.onEvent,
    onState: (m) => siteId && setLive((s) => applyStateMessage(s ?? unknownSite(siteId), m)),
  });
  return { live, status, error };
}

/** The current time (epoch ms), ticking every `everyMs`: one clock for a page's running durations. */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}
