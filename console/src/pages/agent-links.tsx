/**
 * A site's agent links, on the Sites page: create one for an extension (its
 * link shown once, to copy and hand to the agent), see them with when they
 * were last used and when they expire, revoke one (it stops working on its
 * next request). README "Agent links".
 */

import { useState } from 'preact/hooks';
import { agentLinks, createAgentLink, revokeAgentLink, type NewAgentLink } from '../api/agent-links.js';
import type { Site } from '../api/types.js';
import { Data, ErrorNote, Field, Loading, StatusNote, TableRegion } from '../components/ui.js';
import { useConsole, useI18n, useLoad } from '../context.js';
import { formatInstant, NONE } from '../format.js';
import { SecretOnce } from './webhook-form.js';

/** Lifetimes offered (days; 0: until revoked). The cloud takes 1-365. */
const LIFETIMES = [0, 30, 90, 365] as const;

/** The site's section, closed at first: its links are read (and its controls exist) only once it is opened. */
export function AgentLinks({ site }: { site: Site }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  return (
    <details class="card" data-agent-links={site.id} onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>
        {t('agentLink.title')} <Data>{site.name}</Data>
      </summary>
      {open ? <AgentLinksBody site={site} /> : null}
    </details>
  );
}

function AgentLinksBody({ site }: { site: Site }) {
  const { t, locale } = useI18n();
  const { tenant } = useConsole();
  const links = useLoad(() => agentLinks(tenant, site.id), site.id);
  const [extension, setExtension] = useState('');
  const [name, setName] = useState('');
  const [days, setDays] = useState<number>(0);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<NewAgentLink | undefined>();
  const [revoked, setRevoked] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  const id = (what: string) => `agent-link-${what}-${site.id}`;
  const when = (at: string | null) => (at ? formatInstant(at, site.timezone, locale) : NONE);

  const create = async () => {
    setBusy(true);
    setError(undefined);
    setRevoked(undefined);
    try {
      setCreated(await createAgentLink(tenant, site.id, { extension: extension.trim(), ...(name.trim() ? { name: name.trim() } : {}), ...(days ? { expiresInDays: days } : {}) }));
      setExtension('');
      setName('');
      links.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const revoke = async (linkId: string, linkName: string) => {
    setError(undefined);
    try {
      await revokeAgentLink(tenant, site.id, linkId);
      setCreated((c) => (c?.id === linkId ? undefined : c));
      setRevoked(linkName);
      links.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <>
      <p>{t('agentLink.intro')}</p>
      <form
        class="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <Field id={id('extension')} label={t('agentLink.extension')}>
          <input id={id('extension')} name="extension" required maxLength={32} pattern="[0-9A-Za-z*#+_.\-]{1,32}" autocomplete="off" value={extension} onInput={(e) => setExtension((e.currentTarget as HTMLInputElement).value)} />
        </Field>
        <Field id={id('name')} label={t('agentLink.name')}>
          <input id={id('name')} name="name" maxLength={200} autocomplete="off" value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
        </Field>
        <Field id={id('expires')} label={t('agentLink.expires')}>
          <select id={id('expires')} value={String(days)} onChange={(e) => setDays(Number((e.currentTarget as HTMLSelectElement).value))}>
            {LIFETIMES.map((d) => (
              <option key={d} value={String(d)}>
                {d ? t('agentLink.days', { days: d }) : t('agentLink.never')}
              </option>
            ))}
          </select>
        </Field>
        <button type="submit" disabled={busy}>
          {t('agentLink.create')}
        </button>
      </form>
      <ErrorNote error={error} />
      {created ? <SecretOnce id={id('link')} label={t('agentLink.link')} secret={created.link} note={t('agentLink.created')} /> : null}
      {revoked !== undefined ? <StatusNote>{t('agentLink.revoked', { name: revoked })}</StatusNote> : null}
      <ErrorNote error={links.error} />
      {links.data === undefined ? (
        links.error ? null : <Loading />
      ) : links.data.length === 0 ? (
        <p>{t('agentLink.none')}</p>
      ) : (
        <TableRegion label={t('agentLink.list', { site: site.name })}>
          <table class="data">
            <thead>
              <tr>
                <th scope="col">{t('agentLink.extension')}</th>
                <th scope="col">{t('agentLink.nameHead')}</th>
                <th scope="col">{t('agentLink.createdAt')}</th>
                <th scope="col">{t('agentLink.lastUsed')}</th>
                <th scope="col">{t('agentLink.expires')}</th>
                <th scope="col">
                  <span class="visually-hidden">{t('agentLink.revoke')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {links.data.map((l) => (
                <tr key={l.id} data-agent-link={l.id}>
                  <th scope="row">
                    <Data class="strong">{l.extension}</Data>
                  </th>
                  <td>
                    <Data>{l.name}</Data>
                  </td>
                  <td>{when(l.createdAt)}</td>
                  <td>{when(l.lastUsedAt)}</td>
                  <td>{l.expiresAt ? when(l.expiresAt) : t('agentLink.never')}</td>
                  <td>
                    <button type="button" class="secondary" aria-label={t('agentLink.revokeLabel', { name: l.name, extension: l.extension })} onClick={() => void revoke(l.id, l.name)}>
                      {t('agentLink.revoke')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
    </>
  );
}
