/**
 * The agent toolbar (issue 14): one extension's state, screen pop, pause,
 * queue login, click-to-call, hang-up, transfer. Placeholder until built.
 */

import { Link, Page } from '../components/ui.js';
import { useI18n } from '../context.js';
import type { Route } from '../router.js';

function Coming({ title, what }: { title: string; what: string }) {
  const { t } = useI18n();
  return (
    <Page title={title}>
      <div class="card placeholder" data-placeholder="agent">
        <p>{what}</p>
        <p>{t('live.needsStream')}</p>
        <p>
          <Link to="/sites">{t('live.seeSites')}</Link>
        </p>
      </div>
    </Page>
  );
}

export function AgentPage(_: { route: Route }) {
  const { t } = useI18n();
  return <Coming title={t('nav.agent')} what={t('live.agent')} />;
}
