/**
 * The wallboard (issue 14): each site live — extensions by status, calls in
 * progress, queues with members and waiting callers, today's figures.
 * Placeholder until built.
 */

import { Link, Page } from '../components/ui.js';
import { useI18n } from '../context.js';
import type { Route } from '../router.js';

function Coming({ title, what }: { title: string; what: string }) {
  const { t } = useI18n();
  return (
    <Page title={title}>
      <div class="card placeholder" data-placeholder="wallboard">
        <p>{what}</p>
        <p>{t('live.needsStream')}</p>
        <p>
          <Link to="/sites">{t('live.seeSites')}</Link>
        </p>
      </div>
    </Page>
  );
}

export function WallboardPage(_: { route: Route }) {
  const { t } = useI18n();
  return <Coming title={t('nav.wallboard')} what={t('live.wallboard')} />;
}

