/** The handlers of contract/agent-links.ts: a site's agent links, and who-am-I. */

import { Hono } from 'hono';
import { LogField } from '../../../protocol/src/log-fields.js';
import { CONSOLE_PATH } from '../console/routes.js';
import { MAX_AGENT_LINKS } from '../store/api-keys.js';
import type { CloudDeps, CloudEnv } from './context.js';
import { createAgentLink, listAgentLinks, revokeAgentLink, whoAmI } from './contract/agent-links.js';
import { apiError, errorAnswer, notFound } from './errors.js';
import { mount, type Authenticate } from './mount.js';

/** The console signed in as an agent: the credential in the fragment, which browsers never send to a server. */
export function agentConsoleLink(origin: string, credential: string): string {
  return `${origin}${CONSOLE_PATH}/#agent=${encodeURIComponent(credential)}`;
}

export function agentLinkRoutes(deps: CloudDeps, authenticate: Authenticate): Hono<CloudEnv> {
  const app = new Hono<CloudEnv>();
  app.onError(errorAnswer);
  const keys = deps.accounts.keys;

  mount(app, authenticate, createAgentLink, async (c, { params, body }) => {
    const tenantId = c.get('tenant').id;
    if (!(await deps.accounts.siteOfTenant(tenantId, params.siteId))) throw notFound();
    const made = await keys.createAgentLink(tenantId, { siteId: params.siteId, extension: body.extension }, body.name ?? `extension ${body.extension}`, body.expiresInDays);
    if (!made) throw apiError('limit-reached', `a tenant holds at most ${MAX_AGENT_LINKS} agent links: revoke one first`, { limit: MAX_AGENT_LINKS });
    c.get('log').info('agent link created', { [LogField.tenantId]: tenantId, [LogField.siteId]: params.siteId, keyId: made.link.id, extension: body.extension });
    return { ...made.link, credential: made.token, link: agentConsoleLink(new URL(c.req.url).origin, made.token) };
  });

  mount(app, authenticate, listAgentLinks, async (c, { params }) => {
    const tenantId = c.get('tenant').id;
    if (!(await deps.accounts.siteOfTenant(tenantId, params.siteId))) throw notFound();
    return { data: await keys.listAgentLinks(tenantId, params.siteId) };
  });

  mount(app, authenticate, revokeAgentLink, async (c, { params }) => {
    if (!(await keys.revokeAgentLink(c.get('tenant').id, params.siteId, params.linkId))) throw notFound();
    c.get('log').info('agent link revoked', { [LogField.tenantId]: c.get('tenant').id, [LogField.siteId]: params.siteId, keyId: params.linkId, by: c.get('key').keyId });
    return undefined;
  });

  mount(app, authenticate, whoAmI, async (c) => {
    const key = c.get('key');
    return { tenantId: key.tenantId, keyId: key.keyId, scopes: [...key.scopes], agent: key.agent ?? null };
  });

  return app;
}
