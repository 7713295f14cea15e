/**
 * Authentication of the cloud's callers.
 * - Operator: `Authorization: Bearer <ADMIN_TOKEN>` (creates tenants).
 * - Tenant: `Authorization: Bearer ck.<tenantId>.<secret>`; it only ever
 *   reaches its own tenant's resources: another tenant's look exactly like
 *   missing ones (404), so ids cannot be probed.
 * - Site (box compatibility): the box's `Authorization: md5(WEBKEY + date)`.
 */

import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { CloudDeps, CloudEnv } from './context.js';
import type { RouteSpec } from './contract/route.js';
import { apiError, notFound } from './errors.js';
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

/**
 * How each /v1 route of the table is authenticated: by its `auth`. (Where
 * keys get scopes, the check of `spec.scopes` belongs here: one place for
 * every route.)
 */
export function authenticate(deps: AuthDeps): Authenticate {
  const admin = adminAuth(deps);
  const tenant = tenantAuth(deps);
  return (spec: RouteSpec) => (spec.auth === 'admin' ? admin : tenant);
}

export function adminAuth(deps: AuthDeps): MiddlewareHandler<CloudEnv> {
  return async (c, next) => {
    if (!deps.adminToken) throw apiError('admin-disabled', 'admin API disabled: set ADMIN_TOKEN');
    const token = bearer(c.req.header('authorization'));
    if (!token || !secretEquals(token, deps.adminToken)) throw apiError('unauthorized', 'invalid or missing admin token');
    await next();
  };
}

/** For /v1/tenants/:tenantId/*: the key must belong to that tenant. */
export function tenantAuth(deps: AuthDeps): MiddlewareHandler<CloudEnv> {
  return async (c, next) => {
    const token = bearer(c.req.header('authorization'));
    const tenant = token ? await deps.accounts.tenantForApiKey(token) : undefined;
    if (!tenant) throw apiError('unauthorized', 'invalid or missing tenant API key');
    if (tenant.id !== c.req.param('tenantId')) throw notFound();
    c.set('tenant', tenant);
    await next();
  };
}
