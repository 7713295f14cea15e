/**
 * Authentication of the cloud's callers.
 * - Operator: `Authorization: Bearer <ADMIN_TOKEN>` (creates tenants).
 * - Tenant: `Authorization: Bearer ck.<tenantId>.<keyId>.<secret>` (or an
 *   older tenant's `ck.<tenantId>.<secret>`); it only ever reaches its own
 *   tenant's resources: another tenant's look exactly like missing ones
 *   (404), so ids cannot be probed. A key reaches the routes its scopes
 *   grant (store/api-keys.ts); any other is a 403 `insufficient-scope`
 *   naming the scope needed. An agent link reaches only what
 *   api/agent-scope.ts allows.
 * - Site (box compatibility): the box's `Authorization: md5(WEBKEY + date)`.
 */

import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { CloudDeps, CloudEnv } from './context.js';
import type { RouteSpec } from './contract/route.js';
import { grants, type Principal, type Scope } from '../store/api-keys.js';
import { agentRefusal, agentSiteRefusal } from './agent-scope.js';
import { apiError, notFound, type ApiError } from './errors.js';
import type { Authenticate } from './mount.js';

export function bearer(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : undefined;
}

/** Constant-time equality of two secrets of any length (compares their hashes). */
export function secretEquals(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

type AuthDeps = Pick<CloudDeps, 'accounts' | 'adminToken'>;

/** How each /v1 route of the table is authenticated: by its `auth`, and for tenant routes its `scopes`. */
export function authenticate(deps: AuthDeps): Authenticate {
  const admin = adminAuth(deps);
  return (spec: RouteSpec) => (spec.auth === 'admin' ? admin : tenantAuth(deps, spec.scopes));
}

export function adminAuth(deps: AuthDeps): MiddlewareHandler<CloudEnv> {
  return async (c, next) => {
    if (!deps.adminToken) throw apiError('admin-disabled', 'admin API disabled: set ADMIN_TOKEN');
    const token = bearer(c.req.header('authorization'));
    if (!token || !secretEquals(token, deps.adminToken)) throw apiError('unauthorized', 'invalid or missing admin token');
    await next();
  };
}

/** The key of a request, or a 401. */
export async function principalOf(deps: AuthDeps, header: string | undefined): Promise<Principal | undefined> {
  const token = bearer(header);
  return token ? deps.accounts.keys.principalFor(token) : undefined;
}

/** The refusal of a key that lacks every scope a route (or box command) needs. */
export function missingScope(needed: readonly Scope[]): ApiError {
  const required = needed.find((s) => s !== 'admin') ?? 'admin';
  return apiError('insufficient-scope', `this key lacks the ${required} scope`, { required, grantedBy: needed.includes('admin') ? [...new Set([required, 'admin'])] : [required] });
}

/** For /v1/tenants/:tenantId/*: the key must belong to that tenant, and hold a scope that grants the route. */
export function tenantAuth(deps: AuthDeps, scopes: readonly Scope[]): MiddlewareHandler<CloudEnv> {
  return async (c, next) => {
    const key = await principalOf(deps, c.req.header('authorization'));
    if (!key) throw apiError('unauthorized', 'invalid or missing tenant API key');
    if (key.tenantId !== c.req.param('tenantId')) throw notFound();
    if (key.agent) {
      if (!grants(key.scopes, scopes)) throw agentRefusal(key.agent, 'not this route');
      const why = agentSiteRefusal(key.agent, c.req.param('siteId'));
      if (why) throw agentRefusal(key.agent, why);
    } else if (!grants(key.scopes, scopes)) throw missingScope(scopes);
    c.set('tenant', { id: key.tenantId });
    c.set('key', key);
    await next();
  };
}
