/**
 * The admin API: tenants, their sites and relay tokens.
 *
 *   POST /v1/tenants                                   (ADMIN_TOKEN)
 *   POST /v1/tenants/{tenantId}/sites                  (tenant key)
 *   GET  /v1/tenants/{tenantId}/sites[/{siteId}]       (tenant key)
 *   POST /v1/tenants/{tenantId}/sites/{siteId}/relay-token
 */

import { Hono } from 'hono';
import { LogField } from '../../../protocol/src/log-fields.js';
import { isTimeZone } from '../../../protocol/src/zoned-time.js';
import type { Site } from '../store/accounts.js';
import { adminAuth, tenantAuth } from './auth.js';
import { pathId } from './path-id.js';
import { jsonObject } from './body.js';
import type { CloudDeps, CloudEnv } from './context.js';
import { errorAnswer, invalid, notFound } from './errors.js';

const NAME = /^[^\x00-\x1f\x7f]{1,200}$/;

/** A tenant's or site's name: 1-200 printable characters, trimmed. */
function nameOf(v: unknown): string {
  if (typeof v !== 'string' || !NAME.test(v.trim())) throw invalid('name: a string of 1-200 printable characters is required');
  return v.trim();
}

export function adminRoutes(deps: CloudDeps): Hono<CloudEnv> {
  const app = new Hono<CloudEnv>();
  app.onError(errorAnswer);

  app.post('/v1/tenants', adminAuth(deps), async (c) => {
    const name = nameOf((await jsonObject(c, 'admin'))?.name);
    const { tenant, apiKey } = await deps.accounts.createTenant(name);
    c.get('log').info('tenant created', { [LogField.tenantId]: tenant.id });
    return c.json({ id: tenant.id, name: tenant.name, apiKey }, 201);
  });

  app.use('/v1/tenants/:tenantId/*', tenantAuth(deps));
  app.use('/v1/tenants/:tenantId/sites/:siteId', pathId('site', 'siteId'));
  app.use('/v1/tenants/:tenantId/sites/:siteId/*', pathId('site', 'siteId'));

  const withRelay = async (site: Site) => ({
    id: site.id,
    name: site.name,
    createdAt: site.createdAt,
    timezone: site.timezone ?? 'UTC',
    webkey: site.hasWebkey,
    relay: await deps.gateway.status(site.id),
  });

  app.post('/v1/tenants/:tenantId/sites', async (c) => {
    const b = await jsonObject(c, 'admin');
    const name = nameOf(b?.name);
    const webkey = b?.webkey;
    if (webkey !== undefined && (typeof webkey !== 'string' || !NAME.test(webkey))) throw invalid('webkey: a string of 1-200 printable characters');
    const timezone = b?.timezone;
    if (timezone !== undefined && (typeof timezone !== 'string' || !isTimeZone(timezone))) throw invalid('timezone: an IANA time zone such as Europe/Berlin');
    const { site, relayToken } = await deps.accounts.createSite(c.get('tenant').id, { name, webkey, timezone });
    c.get('log').info('site created', { [LogField.tenantId]: site.tenantId, [LogField.siteId]: site.id });
    return c.json({ id: site.id, name: site.name, relayToken }, 201);
  });

  app.get('/v1/tenants/:tenantId/sites', async (c) => {
    const sites = await deps.accounts.listSites(c.get('tenant').id);
    return c.json({ data: await Promise.all(sites.map(withRelay)) });
  });

  app.get('/v1/tenants/:tenantId/sites/:siteId', async (c) => {
    const site = await deps.accounts.siteOfTenant(c.get('tenant').id, c.req.param('siteId'));
    if (!site) throw notFound();
    return c.json(await withRelay(site));
  });

  app.post('/v1/tenants/:tenantId/sites/:siteId/relay-token', async (c) => {
    const siteId = c.req.param('siteId');
    const token = await deps.accounts.rotateRelayToken(c.get('tenant').id, siteId);
    if (!token) throw notFound();
    // The relay holding the old token must not stay connected.
    await deps.gateway.disconnect(siteId, 'relay token rotated');
    c.get('log').info('relay token rotated', { [LogField.siteId]: siteId });
    return c.json({ id: siteId, relayToken: token }, 200);
  });

  return app;
}
