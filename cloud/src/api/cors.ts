/**
 * CORS, per tenant: a tenant lists the exact browser origins allowed to call
 * its API (`corsOrigins`, PATCH /v1/tenants/{tenantId}). It covers the
 * tenant's /v1 routes and its sites' box API.
 *
 * A preflight (OPTIONS with Access-Control-Request-Method) carries no
 * credentials, so it is answered here, before any authentication: 204 with
 * the CORS headers for an allowed origin, 403 `origin-not-allowed` without
 * them for any other. An actual request from an allowed origin gets
 * Access-Control-Allow-Origin on its answer, whatever the answer (an error
 * the page cannot read is an error it cannot show); from any other origin,
 * none. No wildcard, no credentials mode: the key travels in Authorization.
 *
 * The origins come from the tenant's item, cached like the site look-ups
 * (store/accounts.ts: another instance sees a change within 30 s).
 */

import type { MiddlewareHandler } from 'hono';
import type { CloudDeps, CloudEnv } from './context.js';
import { apiError } from './errors.js';

const METHODS = 'GET, HEAD, POST, PATCH, PUT, DELETE';
const HEADERS = 'authorization, content-type, idempotency-key, range, if-none-match, if-modified-since, x-request-id';
/** What a page may read of an answer, beyond the CORS-safelisted headers. */
const EXPOSE = 'x-request-id, idempotent-replayed, etag, last-modified, accept-ranges, content-range, content-length, retry-after, location';
const PREFLIGHT_MAX_AGE_S = '600';

const TENANT_PATH = /^\/v1\/tenants\/([^/]+)(?:\/|$)/;
const SITE_PATH = /^\/sites\/([^/]+)\/coocenter-api(?:\/|$)/;

export function cors(deps: Pick<CloudDeps, 'accounts'>): MiddlewareHandler<CloudEnv> {
  /** The tenant a path belongs to, if any. */
  const tenantOf = async (path: string): Promise<string | undefined> => {
    const t = TENANT_PATH.exec(path);
    if (t) return t[1];
    const s = SITE_PATH.exec(path);
    return s ? (await deps.accounts.cachedSite(s[1]))?.tenantId : undefined;
  };
  const allowed = async (origin: string, path: string): Promise<boolean> => {
    const tenantId = await tenantOf(path);
    const tenant = tenantId ? await deps.accounts.cachedTenant(tenantId) : undefined;
    return tenant?.corsOrigins.includes(origin) ?? false;
  };

  return async (c, next) => {
    const origin = c.req.header('origin');
    if (!origin) return next();
    const ok = await allowed(origin, c.req.path);
    if (c.req.method === 'OPTIONS' && c.req.header('access-control-request-method')) {
      if (!ok) throw apiError('origin-not-allowed', `${origin} may not call this API from a browser: add it to the tenant's corsOrigins`);
      return c.body(null, 204, {
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Methods': METHODS,
        'Access-Control-Allow-Headers': HEADERS,
        'Access-Control-Max-Age': PREFLIGHT_MAX_AGE_S,
        Vary: 'Origin',
      });
    }
    await next();
    if (!ok) return;
    c.res.headers.set('Access-Control-Allow-Origin', origin);
    c.res.headers.set('Access-Control-Expose-Headers', EXPOSE);
    c.res.headers.append('Vary', 'Origin');
  };
}
