/**
 * Statistics: answer rate, speed of answer, abandoned calls by reason,
 * service level and talk time, by hour, day, queue or agent, for one site or
 * all, from `GET /v1/tenants/{t}/stats`; charts and the same figures as
 * tables. The choices live in the page's URL.
 */

import { choiceFromQuery, choiceToQuery, NEW_CHOICE, statsApiQuery, type StatsChoice } from '../api/stats-query.js';
import { GROUP_BYS, SL_SECONDS } from '../api/types.js';
import { QueryForm, SiteField, useFields } from '../components/query-form.js';
import { Data, ErrorNote, Field, Loading, Msg, Page } from '../components/ui.js';
import { useConsole, useI18n, useLoad, zoneOf } from '../context.js';
import type { MessageId } from '../i18n/index.js';
import type { Route } from '../router.js';
import { PERIODS, type Period } from '../time-range.js';
import { StatsView } from './stats-view.js';

const PERIOD_LABEL: Record<Period, MessageId> = {
  today: 'stats.today',
  yesterday: 'stats.yesterday',
  last7: 'stats.last7',
  last30: 'stats.last30',
  thisMonth: 'stats.thisMonth',
  custom: 'stats.custom',
};

const GROUP_LABEL: Record<(typeof GROUP_BYS)[number], MessageId> = { hour: 'stats.byHour', day: 'stats.byDay', queue: 'stats.byQueue', agent: 'stats.byAgent' };

export function StatisticsPage({ route }: { route: Route }) {
  const { t } = useI18n();
  const { tenant, sites } = useConsole();
  const choice = choiceFromQuery(route.query);
  const zone = zoneOf(sites, choice.siteId);
  const q = statsApiQuery(choice, Date.now(), zone);
  const stats = useLoad(() => (q.ok ? tenant.stats(q.query) : Promise.resolve(undefined)), q.ok ? JSON.stringify(q.query) : 'invalid');

  return (
    <Page
      title={t('stats.title')}
      actions={
        <button type="button" class="secondary" onClick={stats.reload}>
          {t('common.refresh')}
        </button>
      }
    >
      <ChoiceForm key={route.query.toString()} initial={choice} zone={zone} />
      {!q.ok ? (
        <p class="note note-bad" role="alert">
          {t('stats.badPeriod')}
        </p>
      ) : null}
      <ErrorNote error={stats.error} />
      {stats.loading && !stats.data ? <Loading /> : null}
      {stats.data ? <StatsView stats={stats.data} /> : null}
    </Page>
  );
}

function ChoiceForm({ initial, zone }: { initial: StatsChoice; zone: string }) {
  const { t } = useI18n();
  const { values: c, setValues, on } = useFields<StatsChoice>(initial, ['slSeconds']);
  const utcDays = c.groupBy === 'queue' || c.groupBy === 'agent';
  return (
    <QueryForm label={t('stats.choose')} path="/statistics" query={() => choiceToQuery(c)} submitLabel={t('stats.show')} onReset={() => setValues({ ...NEW_CHOICE })}>
      <SiteField id="s-site" value={c.siteId} onChange={on('siteId')} />
      <Field id="s-period" label={t('stats.period')} hint={utcDays ? t('stats.utcDays') : <Msg id="stats.zone" params={{ zone: <Data>{zone}</Data> }} />}>
        <select id="s-period" name="period" value={c.period} onChange={on('period')} aria-describedby="s-period-hint">
          {PERIODS.map((p) => (
            <option key={p} value={p}>
              {t(PERIOD_LABEL[p])}
            </option>
          ))}
        </select>
      </Field>
      {c.period === 'custom' ? (
        <>
          <Field id="s-from" label={t('stats.fromDay')}>
            <input id="s-from" name="from" type="date" required value={c.from} onInput={on('from')} />
          </Field>
          <Field id="s-to" label={t('stats.toDay')}>
            <input id="s-to" name="to" type="date" required value={c.to} onInput={on('to')} />
          </Field>
        </>
      ) : null}
      <Field id="s-group" label={t('stats.groupBy')}>
        <select id="s-group" name="groupBy" value={c.groupBy} onChange={on('groupBy')}>
          {GROUP_BYS.map((g) => (
            <option key={g} value={g}>
              {t(GROUP_LABEL[g])}
            </option>
          ))}
        </select>
      </Field>
      <Field id="s-sl" label={t('stats.slThreshold')}>
        <select id="s-sl" name="slSeconds" value={String(c.slSeconds)} onChange={on('slSeconds')}>
          {SL_SECONDS.map((n) => (
            <option key={n} value={String(n)}>
              {t('stats.withinSeconds', { seconds: n })}
            </option>
          ))}
        </select>
      </Field>
    </QueryForm>
  );
}
