/**
 * Calls: search the tenant's `cdr` and `cc_cdr` records with the API's
 * filters (README "CDR search"), page through them with the cursor, download
 * the whole range as the cloud's CSV, open a record's fields and play its
 * recording. The search lives in the page's URL; times are in the chosen
 * site's zone (UTC for all sites together).
 */

import { useState } from 'preact/hooks';
import { cdrApiQuery, NEW_SEARCH, PAGE_SIZES, searchFromQuery, searchToQuery, type CdrSearch } from '../api/cdr-search.js';
import { DISPOSITIONS, MISS_CAUSES, type CdrRow, type Page as ApiPage } from '../api/types.js';
import { QueryForm, SiteField, useFields } from '../components/query-form.js';
import { Data, ErrorNote, Field, Loading, Msg, Page, saveBlob, StatusNote } from '../components/ui.js';
import { useConsole, useI18n, useLoad, zoneOf } from '../context.js';
import { dispositionLabel, missCauseLabel } from '../labels.js';
import type { Route } from '../router.js';
import { CallsTable } from './calls-table.js';

export function CallsPage({ route }: { route: Route }) {
  const { t } = useI18n();
  const { tenant, sites } = useConsole();
  const queryText = route.query.toString();
  const search = searchFromQuery(route.query);
  const zone = zoneOf(sites, search.siteId);
  // The cursors that led to this page (for "previous"), kept with the search they belong to: a new search starts at its first page.
  const [paging, setPaging] = useState<{ search: string; cursors: string[] }>({ search: queryText, cursors: [] });
  const cursors = paging.search === queryText ? paging.cursors : [];
  const setCursors = (next: (c: string[]) => string[]) => setPaging({ search: queryText, cursors: next(cursors) });
  const cursor = cursors[cursors.length - 1];

  const api = cdrApiQuery(search, zone);
  const results = useLoad<ApiPage<CdrRow> | undefined>(
    () => (api.ok ? tenant.cdrs(cursor ? { cursor, limit: search.limit } : api.query) : Promise.resolve(undefined)),
    `${queryText}|${cursor ?? ''}|${zone}`,
  );
  const [csv, setCsv] = useState<{ step: 'idle' | 'working' | 'done'; error?: unknown }>({ step: 'idle' });

  const download = async () => {
    if (!api.ok) return;
    setCsv({ step: 'working' });
    try {
      const { blob, filename } = await tenant.cdrsCsv(api.query);
      saveBlob(blob, filename ?? `cdrs-${search.type}.csv`);
      setCsv({ step: 'done' });
    } catch (error) {
      setCsv({ step: 'idle', error });
    }
  };

  return (
    <Page title={t('calls.title')}>
      <SearchForm key={queryText} initial={search} zone={zone} />
      {!api.ok ? (
        <p class="note note-bad" role="alert">
          {t(api.field === 'from' ? 'calls.badFrom' : 'calls.badTo')}
        </p>
      ) : null}
      <div class="toolbar">
        <button type="button" class="secondary" onClick={download} disabled={!api.ok || csv.step === 'working'}>
          {t('calls.csv')}
        </button>
        {csv.step === 'working' ? <StatusNote tone="muted">{t('calls.csvWorking')}</StatusNote> : null}
        {csv.step === 'done' ? <StatusNote>{t('calls.csvDone')}</StatusNote> : null}
        <ErrorNote error={csv.error} />
      </div>
      <ErrorNote error={results.error} />
      {results.loading && !results.data ? <Loading /> : null}
      {results.data ? (
        <>
          <p class="count" role="status">
            {t('calls.shown', { count: results.data.data.length, page: cursors.length + 1 })}
          </p>
          {results.data.data.length > 0 ? <CallsTable type={search.type} rows={results.data.data} zone={zone} /> : <p>{t('calls.none')}</p>}
          <div class="pager">
            <button type="button" class="secondary" disabled={cursors.length === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>
              {t('common.previous')}
            </button>
            <button type="button" class="secondary" disabled={!results.data.nextCursor} onClick={() => setCursors((c) => [...c, results.data!.nextCursor!])}>
              {t('common.next')}
            </button>
          </div>
        </>
      ) : null}
    </Page>
  );
}

function SearchForm({ initial, zone }: { initial: CdrSearch; zone: string }) {
  const { t } = useI18n();
  // A new record type has other dispositions: the chosen one no longer applies.
  const { values: s, setValues, on } = useFields<CdrSearch>(initial, ['limit'], (name) => (name === 'type' ? { disposition: '' } : {}));
  const cc = s.type === 'cc_cdr';
  const text = (name: 'caller' | 'called' | 'queue' | 'agent', hint?: string) => (
    <Field id={`f-${name}`} label={t(`calls.${name}`)} hint={hint}>
      <input id={`f-${name}`} name={name} type="text" autocomplete="off" value={s[name]} onInput={on(name)} aria-describedby={hint ? `f-${name}-hint` : undefined} />
    </Field>
  );
  return (
    <QueryForm label={t('calls.search')} search path="/calls" query={() => searchToQuery(s)} submitLabel={t('calls.searchButton')} onReset={() => setValues({ ...NEW_SEARCH })}>
      <SiteField id="f-site" value={s.siteId} onChange={on('siteId')} />
      <Field id="f-type" label={t('calls.type')}>
        <select id="f-type" name="type" value={s.type} onChange={on('type')}>
          <option value="cdr">{t('calls.typeCdr')}</option>
          <option value="cc_cdr">{t('calls.typeCc')}</option>
        </select>
      </Field>
      <Field id="f-from" label={t('calls.from')} hint={<Msg id="calls.timesIn" params={{ zone: <Data>{zone}</Data> }} />}>
        <input id="f-from" name="from" type="datetime-local" value={s.from} onInput={on('from')} aria-describedby="f-from-hint" />
      </Field>
      <Field id="f-to" label={t('calls.to')} hint={t('calls.rangeDefault')}>
        <input id="f-to" name="to" type="datetime-local" value={s.to} onInput={on('to')} aria-describedby="f-to-hint" />
      </Field>
      {text('caller', t('calls.prefixHint'))}
      {text('called', t('calls.prefixHint'))}
      <Field id="f-disposition" label={t(cc ? 'calls.state' : 'calls.disposition')}>
        <select id="f-disposition" name="disposition" value={s.disposition} onChange={on('disposition')}>
          <option value="">{t('common.any')}</option>
          {DISPOSITIONS[s.type].map((d) => {
            const label = dispositionLabel(d);
            return (
              <option key={d} value={d} translate={label ? undefined : false}>
                {label ? t(label) : d}
              </option>
            );
          })}
        </select>
      </Field>
      {cc ? (
        <>
          {text('queue')}
          {text('agent')}
          <Field id="f-missCause" label={t('calls.missCause')}>
            <select id="f-missCause" name="missCause" value={s.missCause} onChange={on('missCause')}>
              <option value="">{t('common.any')}</option>
              {MISS_CAUSES.filter((c) => c !== 'OTHER').map((c) => (
                <option key={c} value={c}>
                  {t(missCauseLabel(c)!)}
                </option>
              ))}
            </select>
          </Field>
        </>
      ) : null}
      <Field id="f-limit" label={t('calls.pageSize')}>
        <select id="f-limit" name="limit" value={String(s.limit)} onChange={on('limit')}>
          {PAGE_SIZES.map((n) => (
            <option key={n} value={String(n)}>
              {n}
            </option>
          ))}
        </select>
      </Field>
    </QueryForm>
  );
}
