/**
 * The admin API's handlers: tenants, their sites and relay tokens. What each
 * route takes and answers is declared in contract/admin.ts.
 */

import { Hono } from 'hono';
import { LogField } from '../../../protocol/src/log-fields.js';
import type { Site } from '../store/accounts.js';
import type { CloudDeps, CloudEnv } from './context.js';
import { createSite, createTenant, getSite, listSites, rotateRelayToken } from './contract/admin.js';
import { errorAnswer, notFound } from './errors.js';
import { mount, type Authenticate } from './mount.js';

/** A site as the API shows it, with its relay's status. */
export async function siteView(deps: Pick<CloudDeps, 'gateway'>, site: Site) {
  return {
    id: site.id,
    name: site.name,
    createdAt: site.createdAt,
    timezone: site.timezone ?? 'UTC',
    webkey: site.hasWebkey,
    popUrl: site.popUrl ?? null,
    relay: await deps.gateway.status(site.id),
  };
}

export function adminRoutes(deps: CloudDeps, authenticate: Authenticate): Hono<CloudEnv> {
  const app = new Hono<CloudEnv>();
  app.onError(errorAnswer);

  const withRelay = (site: Site) => siteView(deps, site);

  mount(app, authenticate, createTenant, async (c, { body }) => {
    const { tenant, apiKey } = await deps.accounts.createTenant(body.name);
    c.get('log').info('tenant created', { [LogField.tenantId]: tenant.id });
    return { id: tenant.id, name: tenant.name, apiKey };
  });

  mount(app, authenticate, createSite, async (c, { body }) => {
    const { site, relayToken } = await deps.accounts.createSite(c.get('tenant').id, body);
    c.get('log').info('site created', { [LogField.tenantId]: site.tenantId, [LogField.siteId]: site.id });
    return { id: site.id, name: site.name, relayToken };
  });

  mount(app, authenticate, listSites, async (c) => {
    const sites = await deps.accounts.listSites(c.get('tenant').id);
    return { data: await Promise.all(sites.map(withRelay)) };
  });

  mount(app, authenticate, getSite, async (c, { params }) => {
    const site = await deps.accounts.siteOfTenant(c.get('tenant').id, params.siteId);
    if (!site) throw notFound();
    return withRelay(site);
  });

  mount(app, authenticate, rotateRelayToken, async (c, { params }) => {
    const token = await deps.accounts.rotateRelayToken(c.get('tenant').id, params.siteId);
    if (!token) throw notFound();
    // The relay holding the old token must not stay connected.
    await deps.gateway.disconnect(params.siteId, 'relay token rotated');
    c.get('log').info('relay token rotated', { [LogField.siteId]: params.siteId });
    return { id: params.siteId, relayToken: token };
  });

  return app;
}
