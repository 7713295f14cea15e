/** The handlers of contract/lifecycle.ts: the tenants list, a tenant's CORS origins, a site's changes and deletion. */

import { Hono } from 'hono';
import { LogField } from '../../../protocol/src/log-fields.js';
import { siteView } from './admin.js';
import type { CloudDeps, CloudEnv } from './context.js';
import { DEFAULT_TENANTS_PAGE, deleteSite, listTenants, updateSite, updateTenant } from './contract/lifecycle.js';
import { errorAnswer, notFound } from './errors.js';
import { mount, type Authenticate } from './mount.js';

export function lifecycleRoutes(deps: CloudDeps, authenticate: Authenticate): Hono<CloudEnv> {
  const app = new Hono<CloudEnv>();
  app.onError(errorAnswer);

  mount(app, authenticate, listTenants, async (_c, { query }) => {
    const page = await deps.accounts.listTenants(query.limit ?? DEFAULT_TENANTS_PAGE, query.cursor);
    return { data: page.tenants, next: page.next };
  });

  mount(app, authenticate, updateTenant, async (c, { body }) => {
    const tenant = await deps.accounts.setCorsOrigins(c.get('tenant').id, [...new Set(body.corsOrigins)]);
    if (!tenant) throw notFound();
    c.get('log').info('tenant CORS origins set', { [LogField.tenantId]: tenant.id, origins: tenant.corsOrigins.length });
    return tenant;
  });

  mount(app, authenticate, updateSite, async (c, { params, body }) => {
    const site = await deps.accounts.updateSite(c.get('tenant').id, params.siteId, body);
    if (!site) throw notFound();
    c.get('log').info('site updated', { [LogField.siteId]: site.id, fields: Object.keys(body).join(',') });
    return siteView(deps, site);
  });

  mount(app, authenticate, deleteSite, async (c, { params }) => {
    if (!(await deps.accounts.deleteSite(c.get('tenant').id, params.siteId))) throw notFound();
    // Its token is refused from now on (relay tokens are always checked against a fresh read); the connected relay goes now.
    await deps.gateway.disconnect(params.siteId, 'site deleted');
    c.get('log').info('site deleted', { [LogField.tenantId]: c.get('tenant').id, [LogField.siteId]: params.siteId });
    return undefined;
  });

  return app;
}
