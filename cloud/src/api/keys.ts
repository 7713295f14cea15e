/** The handlers of contract/keys.ts: a tenant's named API keys. */

import { Hono } from 'hono';
import { LogField } from '../../../protocol/src/log-fields.js';
import { MAX_KEYS } from '../store/api-keys.js';
import type { CloudDeps, CloudEnv } from './context.js';
import { createApiKey, listApiKeys, revokeApiKey } from './contract/keys.js';
import { apiError, errorAnswer, notFound } from './errors.js';
import { mount, type Authenticate } from './mount.js';

export function keyRoutes(deps: CloudDeps, authenticate: Authenticate): Hono<CloudEnv> {
  const app = new Hono<CloudEnv>();
  app.onError(errorAnswer);
  const keys = deps.accounts.keys;

  mount(app, authenticate, createApiKey, async (c, { body }) => {
    const made = await keys.create(c.get('tenant').id, body.name, body.scopes);
    if (!made) throw apiError('limit-reached', `a tenant holds at most ${MAX_KEYS} API keys: revoke one first`, { limit: MAX_KEYS });
    c.get('log').info('api key created', { [LogField.tenantId]: c.get('tenant').id, keyId: made.key.id, scopes: made.key.scopes.join(',') });
    return { ...made.key, key: made.token };
  });

  mount(app, authenticate, listApiKeys, async (c) => ({ data: await keys.list(c.get('tenant').id) }));

  mount(app, authenticate, revokeApiKey, async (c, { params }) => {
    if (!(await keys.revoke(c.get('tenant').id, params.keyId))) throw notFound();
    c.get('log').info('api key revoked', { [LogField.tenantId]: c.get('tenant').id, keyId: params.keyId, by: c.get('key').keyId });
    return undefined;
  });

  return app;
}
