/** A /console path that names no page. */

import { Link, Page } from '../components/ui.js';
import { useI18n } from '../context.js';
import type { Route } from '../router.js';

export function NotFoundPage(_: { route: Route }) {
  const { t } = useI18n();
  return (
    <Page title={t('notFound.title')}>
      <p>{t('notFound.text')}</p>
      <p>
        <Link to="/sites">{t('live.seeSites')}</Link>
      </p>
    </Page>
  );
}
