/**
 * The admin API: tenants, their sites and relay tokens.
 *
 *   POST /v1/tenants                                   (ADMIN_TOKEN)
 *   POST /v1/tenants/{tenantId}/sites                  (tenant key)
 *   GET  /v1/tenants/{tenantId}/sites[/{siteId}]       (tenant key)
 *   POST /v1/tenants/{tenantId}/sites/{siteId}/relay-token
 */

import { Hono } from 'hono';
import { adminAuth, tenantAuth } from './auth.js';
import { jsonError, type CloudDeps, type CloudEnv } from './context.js';
import type { Site } from '../store/accounts.js';
import { isTimeZone } from '../../../protocol/src/zoned-time.js';

async function body(c: { req: { json(): Promise<unknown> } }): Promise<Record<string, unknown> | undefined> {
  try {
    const b = await c.req.json();
    return b && typeof b === 'object' && !Array.isArray(b) ? (b as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const NAME = /^[^\x00-\x1f\x7f]{1,200}$/;

export function adminRoutes(deps: CloudDeps): Hono<CloudEnv> {
  const app = new Hono<CloudEnv>();

  app.post('/v1/tenants', adminAuth(deps), async (c) => {
    const b = await body(c);
    const name = b?.name;
    if (typeof name !== 'string' || !NAME.test(name.trim())) return jsonError(c, 400, 'name: a string of 1-200 printable characters is required');
    const { tenant, apiKey } = await deps.accounts.createTenant(name.trim());
    c.get('log').info('tenant created', { tenantId: tenant.id });
    return c.json({ id: tenant.id, name: tenant.name, apiKey }, 201);
  });

  app.use('/v1/tenants/:tenantId/*', tenantAuth(deps));

  const withRelay = async (site: Site) => ({
    id: site.id,
    name: site.name,
    createdAt: site.createdAt,
    timezone: site.timezone ?? 'UTC',
    webkey: site.hasWebkey,
    relay: await deps.gateway.status(site.id),
  });

  app.post('/v1/tenants/:tenantId/sites', async (c) => {
    const b = await body(c);
    const name = b?.name;
    if (typeof name !== 'string' || !NAME.test(name.trim())) return jsonError(c, 400, 'name: a string of 1-200 printable characters is required');
    const webkey = b?.webkey;
    if (webkey !== undefined && (typeof webkey !== 'string' || !NAME.test(webkey))) return jsonError(c, 400, 'webkey: a string of 1-200 printable characters');
    const timezone = b?.timezone;
    if (timezone !== undefined && (typeof timezone !== 'string' || !isTimeZone(timezone))) return jsonError(c, 400, 'timezone: an IANA time zone such as Europe/Berlin');
    const { site, relayToken } = await deps.accounts.createSite(c.get('tenant').id, {
      name: name.trim(),
      webkey: webkey as string | undefined,
      timezone: timezone as string | undefined,
    });
    c.get('log').info('site created', { tenantId: site.tenantId, siteId: site.id });
    return c.json({ id: site.id, name: site.name, relayToken }, 201);
  });

  app.get('/v1/tenants/:tenantId/sites', async (c) => {
    const sites = await deps.accounts.listSites(c.get('tenant').id);
    return c.json({ data: await Promise.all(sites.map(withRelay)) });
  });

  app.get('/v1/tenants/:tenantId/sites/:siteId', async (c) => {
    const site = await deps.accounts.siteOfTenant(c.get('tenant').id, c.req.param('siteId'));
    if (!site) return jsonError(c, 404, 'not found');
    return c.json(await withRelay(site));
  });

  app.post('/v1/tenants/:tenantId/sites/:siteId/relay-token', async (c) => {
    const siteId = c.req.param('siteId');
    const token = await deps.accounts.rotateRelayToken(c.get('tenant').id, siteId);
    if (!token) return jsonError(c, 404, 'not found');
    // The relay holding the old token must not stay connected.
    await deps.gateway.disconnect(siteId, 'relay token rotated');
    c.get('log').info('relay token rotated', { siteId });
    return c.json({ id: siteId, relayToken: token }, 200);
  });

  return app;
}
