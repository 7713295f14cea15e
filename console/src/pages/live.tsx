/**
 * The live pages, waiting for the live stream and each site's live state
 * (issue 13): the wallboard (extensions, calls, queues and waiting callers
 * as they change) and the agent toolbar (one extension's state, screen pop,
 * pause, login, click-to-call, hang-up, transfer). Seams: the stream client
 * goes beside api/client.ts (a ticket from `POST …/stream-tickets`, then the
 * WebSocket with `after=` to resume); the toolbar's commands are the box API
 * per site (`/sites/{id}/coocenter-api/…`), which the tenant key already
 * reaches; an agent link's scoped session (session.ts) opens only the toolbar.
 */

import { Link, Page } from '../components/ui.js';
import { useI18n } from '../context.js';
import type { Route } from '../router.js';

function Coming({ title, what }: { title: string; what: string }) {
  const { t } = useI18n();
  return (
    <Page title={title}>
      <div class="card placeholder" data-placeholder="live">
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

export function AgentPage(_: { route: Route }) {
  const { t } = useI18n();
  return <Coming title={t('nav.agent')} what={t('live.agent')} />;
}
