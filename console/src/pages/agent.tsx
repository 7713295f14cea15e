/**
 * The agent toolbar (issue 14, README "The agent toolbar"): one extension of
 * one site, live. Its state; a screen pop on every incoming call, with the
 * site's pop_url filled in; 置忙/置閑 per queue with the after-call countdown;
 * queue login and logout; click-to-call, hang-up, transfer.
 *
 * `/agent?site=<siteId>&extension=<ext>`: a tenant-key user picks both here.
 * Seam for agent links: a session fixed to one site and extension renders
 * <AgentToolbarPage siteId extension /> itself: no picker, no way to another.
 */

import type { ComponentChildren } from 'preact';
import { useMemo, useRef, useState } from 'preact/hooks';
import { FIELD_SHAPES } from '../../../protocol/src/box-api/fields.js';
import { callOf } from '../agent/extension.js';
import { applyEvent, emptyPopModel, popTemplate, popWithQueue, type PopModel } from '../agent/screen-pop.js';
import { useCommand } from '../agent/use-command.js';
import { SiteBox } from '../api/box-commands.js';
import { Badge, Data, ErrorNote, Field, Link, Loading, Page, StatusNote, type Tone } from '../components/ui.js';
import { useConsole, useI18n } from '../context.js';
import type { MessageId } from '../i18n/index.js';
import { useLiveSite, useNow } from '../live/use-live.js';
import { href, navigate, type Route } from '../router.js';
import { ScreenPopCard } from './agent-pop.js';
import { CallsCard, CommandNote, QueuesCard } from './agent-controls.js';

export function AgentPage({ route }: { route: Route }) {
  const { t } = useI18n();
  const { sites } = useConsole();
  const siteId = route.query.get('site') ?? '';
  const extension = route.query.get('extension') ?? '';
  const chosen = siteId && FIELD_SHAPES.extension.pattern.test(extension) && sites?.some((s) => s.id === siteId);
  if (sites === undefined) return <Page title={t('nav.agent')}>{<Loading />}</Page>;
  if (!chosen) return <AgentPicker siteId={siteId} extension={extension} />;
  return <AgentToolbarPage siteId={siteId} extension={extension} actions={<Link to="/agent">{t('agent.change')}</Link>} />;
}

/** The toolbar as a page of its own (an agent link's session shows this, with no way to another extension). */
export function AgentToolbarPage({ siteId, extension, actions }: { siteId: string; extension: string; actions?: ComponentChildren }) {
  const { t } = useI18n();
  return (
    <Page title={t('agent.title', { extension })} actions={actions}>
      <AgentToolbar siteId={siteId} extension={extension} />
    </Page>
  );
}

function AgentPicker(props: { siteId: string; extension: string }) {
  const { t } = useI18n();
  const { sites } = useConsole();
  const [siteId, setSiteId] = useState(props.siteId || sites?.[0]?.id || '');
  const [extension, setExtension] = useState(props.extension);
  const [bad, setBad] = useState(false);
  const submit = (e: Event) => {
    e.preventDefault();
    const ext = extension.trim();
    if (!FIELD_SHAPES.extension.pattern.test(ext)) return setBad(true);
    navigate(href('/agent', { site: siteId, extension: ext }));
  };
  return (
    <Page title={t('nav.agent')}>
      <form class="card narrow" onSubmit={submit} noValidate>
        <p>{t('agent.choose')}</p>
        <Field id="agent-site" label={t('common.site')}>
          <select id="agent-site" value={siteId} onChange={(e) => setSiteId((e.currentTarget as HTMLSelectElement).value)}>
            {(sites ?? []).map((s) => (
              <option key={s.id} value={s.id} translate={false}>
                {s.name}
              </option>
            ))}
          </select>
        </Field>
        <Field id="agent-extension" label={t('agent.extension')} hint={bad ? undefined : t('agent.extensionHint')}>
          <input
            id="agent-extension"
            type="text"
            inputMode="numeric"
            autoComplete="off"
            value={extension}
            aria-invalid={bad}
            aria-describedby="agent-extension-hint"
            onInput={(e) => (setExtension((e.currentTarget as HTMLInputElement).value), setBad(false))}
          />
        </Field>
        {bad ? <StatusNote tone="bad">{t('agent.extensionHint')}</StatusNote> : null}
        <div class="form-actions">
          <button type="submit" disabled={!siteId}>
            {t('agent.open')}
          </button>
        </div>
      </form>
    </Page>
  );
}

/** Extension states (extension-hints-status): the one that matters most when several are summed. */
const STATES: ReadonlyArray<{ bit: number; label: MessageId; tone: Tone }> = [
  { bit: 8, label: 'agent.status.ringing', tone: 'warn' },
  { bit: 16, label: 'agent.status.onHold', tone: 'warn' },
  { bit: 1, label: 'agent.status.inUse', tone: 'ok' },
  { bit: 2, label: 'agent.status.busy', tone: 'bad' },
  { bit: 4, label: 'agent.status.unavailable', tone: 'muted' },
];

function stateOf(status: string | undefined): { label: MessageId; tone: Tone } {
  const n = Number(status);
  if (status === undefined || !Number.isInteger(n) || n < 0) return { label: 'agent.status.unknown', tone: 'muted' };
  return STATES.find((s) => (n & s.bit) !== 0) ?? { label: 'agent.status.idle', tone: 'ok' };
}

export function AgentToolbar({ siteId, extension }: { siteId: string; extension: string }) {
  const { t } = useI18n();
  const { tenant, sites } = useConsole();
  const site = sites?.find((s) => s.id === siteId);
  const box = useMemo(() => new SiteBox(tenant.api, siteId), [tenant, siteId]);
  const [pops, setPops] = useState<PopModel>(() => emptyPopModel(extension));
  const liveRef = useRef<ReturnType<typeof useLiveSite>['live']>(undefined);
  const { live, status, error } = useLiveSite(siteId, { onEvent: (m) => setPops((p) => applyEvent(p, m, liveRef.current?.state)) });
  liveRef.current = live;
  const now = useNow();
  const [command, run] = useCommand();

  const ext = live?.state.extensions[extension];
  const call = live ? callOf(live.state, extension) : undefined;
  const state = stateOf(ext?.status);
  return (
    <div class="agent" data-extension={extension}>
      <section class="card agent-state" aria-labelledby="state-title">
        <h2 id="state-title" class="visually-hidden">
          {t('agent.state')}
        </h2>
        <p class="agent-line">
          <Data class="strong agent-ext">{extension}</Data>
          {ext?.name && ext.name !== extension ? <Data>{ext.name}</Data> : null}
          <span class="agent-status" data-status={ext?.status ?? ''}>
            <Badge tone={state.tone}>{t(state.label)}</Badge>
          </span>
          <Data class="detail">{site?.name}</Data>
        </p>
        {call?.state === 'up' ? (
          <p class="agent-call">
            {t('agent.inCall')} <Data class="strong">{call.caller.number === extension ? (call.callee?.number ?? '') : call.caller.number}</Data>
          </p>
        ) : null}
        {live === undefined && !error ? <Loading /> : null}
        {live?.stale ? <StatusNote tone="warn">{t('agent.notCurrent')}</StatusNote> : null}
        {status.phase === 'retrying' ? <StatusNote tone="warn">{t('agent.reconnecting')}</StatusNote> : null}
        <ErrorNote error={error} />
      </section>
      <ScreenPopCard pop={popWithQueue(pops.pop, live?.state)} template={popTemplate(site)} />
      <CommandNote state={command} />
      {live ? <QueuesCard state={live.state} extension={extension} box={box} wrapupSeconds={site?.relay.wrapupSeconds} now={now} command={command} run={run} /> : null}
      <CallsCard extension={extension} box={box} inCall={call !== undefined || live?.stale !== false} command={command} run={run} />
    </div>
  );
}
