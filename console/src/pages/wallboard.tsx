/**
 * The wallboard (issue 14): one site live, chosen with `?site=` (the first
 * site when none is named). The state comes from GET …/live and the stream
 * (live/use-live.ts); whether it is current is said plainly above it ("the
 * relay is offline since …", "connection lost, reconnecting"), never shown as
 * live when it is not. Today's figures come from /stats in the site's zone
 * and are fetched again shortly after a call ends (a cdr or cc_cdr event).
 */

import { useEffect, useRef } from 'preact/hooks';
import { NEW_CHOICE, statsApiQuery } from '../api/stats-query.js';
import type { Metrics } from '../api/types.js';
import { Badge, Data, ErrorNote, Loading, Msg, Page } from '../components/ui.js';
import { useConsole, useI18n, useLoad, zoneOf } from '../context.js';
import { formatInstant, formatNumber, formatPercent, formatSeconds } from '../format.js';
import type { Locale, MessageId } from '../i18n/index.js';
import type { SiteLive, StaleReason } from '../live/site-state.js';
import type { StreamStatus } from '../live/stream.js';
import { useLiveSite, useNow } from '../live/use-live.js';
import { href, navigate, type Route } from '../router.js';
import { endsACall } from './wallboard-data.js';
import { CallsPanel, ExtensionsPanel, QueuesPanel } from './wallboard-view.js';

/** After a call ends, wait this long for more before asking /stats again (a queue call ends with a cdr and a cc_cdr). */
const STATS_DEBOUNCE_MS = 1000;

const STALE_LABEL: Record<StaleReason, MessageId> = {
  'relay-offline': 'wall.stale.relayOffline',
  syncing: 'wall.stale.syncing',
  'no-state': 'wall.stale.noState',
  'ami-disconnected': 'wall.stale.amiDisconnected',
  'too-large': 'wall.stale.tooLarge',
};

export function WallboardPage({ route }: { route: Route }) {
  const { t } = useI18n();
  const { sites } = useConsole();
  const named = route.query.get('site') ?? '';
  const siteId = named || sites?.[0]?.id || '';
  useEffect(() => {
    if (!named && siteId) navigate(href('/wallboard', { site: siteId }), { replace: true });
  }, [named, siteId]);

  return (
    <Page
      title={t('nav.wallboard')}
      actions={
        <div class="inline-field">
          <label for="w-site">{t('common.site')}</label>
          <select id="w-site" value={siteId} onChange={(e) => navigate(href('/wallboard', { site: (e.target as HTMLSelectElement).value }))}>
            {(sites ?? []).map((s) => (
              <option key={s.id} value={s.id} translate={false}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
      }
    >
      {sites && sites.length === 0 ? <p class="note note-muted">{t('sites.none')}</p> : null}
      {siteId ? <SiteBoard key={siteId} siteId={siteId} /> : null}
    </Page>
  );
}

function SiteBoard({ siteId }: { siteId: string }) {
  const { sites } = useConsole();
  const zone = zoneOf(sites, siteId);
  const now = useNow();
  const refreshStats = useRef<() => void>(() => undefined);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const { live, status, error } = useLiveSite(siteId, {
    onEvent: (e) => {
      if (!endsACall(e.data.event)) return;
      clearTimeout(timer.current);
      timer.current = setTimeout(() => refreshStats.current(), STATS_DEBOUNCE_MS);
    },
  });
  const current = live && !live.stale && status.phase === 'open';
  return (
    <div class={`wallboard${current ? '' : ' stale'}`} data-live={current ? 'current' : 'stale'} data-reason={live?.reason ?? ''} data-stream={status.phase}>
      <Connection live={live} status={status} zone={zone} />
      <ErrorNote error={error} />
      <Today siteId={siteId} zone={zone} onRefresher={(f) => (refreshStats.current = f)} />
      {live ? (
        <>
          <ExtensionsPanel state={live.state} />
          <CallsPanel state={live.state} now={now} />
          <QueuesPanel state={live.state} now={now} />
        </>
      ) : error ? null : (
        <Loading />
      )}
    </div>
  );
}

/** How current what follows is: the stream's connection, then the site's state. */
function Connection({ live, status, zone }: { live: SiteLive | undefined; status: StreamStatus; zone: string }) {
  const { t, locale } = useI18n();
  const at = (iso: string | number | null) => <Data>{formatInstant(iso, zone, locale)}</Data>;
  return (
    <div class="connection" aria-live="polite">
      {status.phase === 'open' ? (
        <Badge tone={live && !live.stale ? 'ok' : 'warn'}>{t(live && !live.stale ? 'wall.live' : 'wall.notLive')}</Badge>
      ) : status.phase === 'connecting' && status.attempt === 0 ? (
        <Badge tone="muted">{t('wall.connecting')}</Badge>
      ) : status.phase === 'closed' ? (
        <p class="note note-bad" role="alert">
          {t('wall.streamClosed')}
        </p>
      ) : (
        <p class="note note-warn" data-note="reconnecting">
          <Msg id="wall.reconnecting" params={{ since: at(status.since ?? null) }} />
        </p>
      )}
      {live?.stale ? (
        <p class="note note-warn" data-note="stale">
          <Msg id={STALE_LABEL[live.reason ?? 'no-state']} params={{ since: at(live.since) }} />
        </p>
      ) : null}
      {live?.at ? (
        <p class="hint">
          <Msg id="wall.asOf" params={{ time: at(live.at) }} />
        </p>
      ) : null}
      {live?.state.truncated ? <p class="note note-warn">{t('wall.truncated')}</p> : null}
    </div>
  );
}

const FIGURES: ReadonlyArray<{ label: MessageId; value(m: Metrics, locale: Locale): string }> = [
  { label: 'stats.offered', value: (m, l) => formatNumber(m.offered, l) },
  { label: 'stats.answered', value: (m, l) => formatNumber(m.answered, l) },
  { label: 'stats.abandoned', value: (m, l) => formatNumber(m.abandoned, l) },
  { label: 'stats.answerRate', value: (m, l) => formatPercent(m.answerRate, l) },
  { label: 'stats.asa', value: (m, l) => formatSeconds(m.averageSpeedOfAnswer, l) },
  { label: 'stats.serviceLevel', value: (m, l) => formatPercent(m.serviceLevel, l) },
];

/** Today's figures (a day in the site's zone) from /stats. */
function Today({ siteId, zone, onRefresher }: { siteId: string; zone: string; onRefresher(refresh: () => void): void }) {
  const { t, locale } = useI18n();
  const { tenant } = useConsole();
  const q = statsApiQuery({ ...NEW_CHOICE, siteId }, Date.now(), zone);
  const stats = useLoad(() => (q.ok ? tenant.stats(q.query) : Promise.resolve(undefined)), q.ok ? `${siteId}|${q.query.from}` : 'invalid');
  onRefresher(stats.reload);
  const total = stats.data?.total;
  return (
    <section class="card" aria-labelledby="wall-today">
      <h2 id="wall-today">{t('wall.today')}</h2>
      <p class="hint">
        <Msg id="wall.todayHint" params={{ zone: <Data>{zone}</Data>, seconds: stats.data?.serviceLevelSeconds ?? NEW_CHOICE.slSeconds }} />
      </p>
      <ErrorNote error={stats.error} />
      {total ? (
        <ul class="tiles" aria-label={t('wall.today')} data-loading={stats.loading ? 'true' : 'false'}>
          {FIGURES.map((f) => (
            <li key={f.label} class="tile" data-metric={f.label}>
              <span class="tile-label">{t(f.label)}</span>
              <span class="tile-value">{f.value(total, locale)}</span>
            </li>
          ))}
        </ul>
      ) : stats.error ? null : (
        <Loading />
      )}
    </section>
  );
}
