/**
 * The box API of every site: `/sites/{siteId}/coocenter-api/...`, the same 16
 * endpoints and bodies as the box, answered by the site's relay. Authorised by
 * a key of the tenant (its scopes checked per command, tunnel-pbx.ts: `calls`
 * for writes, `read` for the rest), or by the box's own md5(WEBKEY + date)
 * header, which keeps full access, so an existing integration only changes
 * its base URL.
 */

import { Hono, type MiddlewareHandler } from 'hono';
import { boxRoutes } from '../../../protocol/src/box-api/routes.js';
import { boxError } from '../../../protocol/src/box-api/errors.js';
import { checkWebkey } from '../../../protocol/src/box-api/webkey.js';
import { isId } from '../store/ids.js';
import { agentRefusal, agentSiteRefusal } from './agent-scope.js';
import { bearer } from './auth.js';
import type { CloudDeps, CloudEnv } from './context.js';
import { errorAnswer } from './errors.js';
import { TunnelPbx } from './tunnel-pbx.js';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

function siteAuth(deps: CloudDeps): MiddlewareHandler<CloudEnv> {
  return async (c, next) => {
    const siteId = c.req.param('siteId') ?? '';
    // No look-up for what cannot be a site (an id DynamoDB would refuse was a 500).
    if (!isId('site', siteId)) throw boxError(404, 'not found');
    const header = c.req.header('authorization');
    const token = bearer(header);
    if (token) {
      const key = await deps.accounts.keys.principalFor(token);
      if (!key) throw boxError(401, 'invalid or missing Authorization');
      // Another tenant's site answers exactly like a site that does not exist.
      if (!(await deps.accounts.siteOfTenant(key.tenantId, siteId))) throw boxError(404, 'not found');
      const outside = key.agent && agentSiteRefusal(key.agent, siteId);
      if (key.agent && outside) throw boxError(403, agentRefusal(key.agent, outside).message, 'insufficient-scope');
      c.set('key', key);
    } else {
      const key = await deps.accounts.webkeyOf(siteId);
      // Unknown site, site without WEBKEY, wrong or stale token: one answer, after the same work.
      const matches = checkWebkey(header, key.webkey, deps.clock.now(), key.timezone ?? 'UTC');
      if (!key.real || !matches) {
        throw boxError(401, 'invalid or missing Authorization');
      }
    }
    const idem = c.req.header('idempotency-key');
    if (idem !== undefined && !IDEMPOTENCY_KEY.test(idem)) throw boxError(400, 'Idempotency-Key: 1-128 printable ASCII characters');
    await next();
  };
}

export function siteRoutes(deps: CloudDeps): Hono<CloudEnv> {
  const app = new Hono<CloudEnv>();
  // The box routes answer their own errors; these are the site authentication's, in the box's words.
  app.onError(errorAnswer);
  app.use('/sites/:siteId/coocenter-api/*', siteAuth(deps));

  app.route(
    '/sites/:siteId/coocenter-api',
    boxRoutes({
      logger: deps.logger,
      pbx: (c) =>
        new TunnelPbx(deps.gateway, {
          siteId: c.req.param('siteId') ?? '',
          requestId: (c.get('requestId') as string | undefined) ?? '',
          idempotencyKey: c.req.header('idempotency-key'),
          deadlineMs: deps.clock.now() + deps.commandTimeoutMs,
          // A key's scopes; the box's WEBKEY (no key) keeps full access.
          scopes: c.get('key')?.scopes,
          agent: c.get('key')?.agent,
          onReplayed: () => c.header('Idempotent-Replayed', 'true'),
        }),
    }) as unknown as Hono<CloudEnv>,
  );
  // No box endpoint here (`/monitor` without a file): the box's own 404. Without this, Hono answers a
  // request that passed this sub-app's middleware but no route with its plain-text default.
  app.all('/sites/:siteId/coocenter-api/*', () => {
    throw boxError(404, 'not found');
  });
  return app;
}
