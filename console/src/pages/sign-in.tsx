/**
 * Sign-in with a tenant API key or an agent link's credential (or a sign-in
 * link carrying one). The key is checked by asking the cloud what it is
 * (GET …/whoami) before it is kept: a mistyped or revoked key never gets as
 * far as a page, and an agent link's answer names its site and extension.
 */

import { useEffect, useState } from 'preact/hooks';
import { apiClient, ApiFailure } from '../api/client.js';
import { whoAmI } from '../api/agent-links.js';
import { Tenant } from '../api/endpoints.js';
import { ErrorNote, Field, Page, StatusNote } from '../components/ui.js';
import { useI18n } from '../context.js';
import type { MessageId } from '../i18n/index.js';
import { sessionForKey, type Session } from '../session.js';

type State = { step: 'idle' } | { step: 'checking' } | { step: 'refused'; message: MessageId } | { step: 'failed'; error: unknown };

async function check(key: string): Promise<{ session: Session } | { refused: MessageId } | { error: unknown }> {
  const session = sessionForKey(key);
  if (!session) return { refused: 'signIn.notAKey' };
  try {
    const me = await whoAmI(new Tenant(apiClient(session.key, () => undefined), session.tenantId));
    return { session: me.agent ? { kind: 'agent', key: session.key, tenantId: session.tenantId, ...me.agent } : session };
  } catch (err) {
    if (err instanceof ApiFailure && (err.status === 401 || err.status === 404)) return { refused: 'signIn.refused' };
    return { error: err };
  }
}

export function SignInPage({ linkKey, because, onSignIn }: { linkKey?: string; because?: MessageId; onSignIn(s: Session): void }) {
  const { t } = useI18n();
  const [key, setKey] = useState('');
  const [state, setState] = useState<State>({ step: 'idle' });

  const submit = async (candidate: string) => {
    setState({ step: 'checking' });
    const r = await check(candidate);
    if ('session' in r) onSignIn(r.session);
    else if ('refused' in r) setState({ step: 'refused', message: r.refused });
    else setState({ step: 'failed', error: r.error });
  };

  // A sign-in link: check its key at once.
  useEffect(() => {
    if (linkKey) void submit(linkKey);
  }, [linkKey]);

  return (
    <Page title={t('signIn.title')}>
      <div class="card narrow">
        <p>{t('signIn.intro')}</p>
        {because ? <StatusNote tone="warn">{t(because)}</StatusNote> : null}
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void submit(key);
          }}
        >
          <Field id="api-key" label={t('signIn.key')} hint={t('signIn.keyHint')}>
            <input
              id="api-key"
              name="api-key"
              type="password"
              autocomplete="off"
              spellcheck={false}
              required
              aria-describedby="api-key-hint"
              value={key}
              onInput={(e) => setKey((e.currentTarget as HTMLInputElement).value)}
            />
          </Field>
          <button type="submit" disabled={state.step === 'checking'}>
            {t('signIn.submit')}
          </button>
        </form>
        {state.step === 'checking' ? <StatusNote tone="muted">{t('signIn.checking')}</StatusNote> : null}
        {state.step === 'refused' ? (
          <p class="note note-bad" role="alert">
            {t(state.message)}
          </p>
        ) : null}
        {state.step === 'failed' ? <ErrorNote error={state.error} /> : null}
        <p class="hint">{t('signIn.agentLinks')}</p>
      </div>
    </Page>
  );
}
