/** GET /v1/tenants/{tenantId}/sites/{siteId}/live (contract/live.ts). */

import { Hono } from 'hono';
import { liveForExtension } from '../live/agent-view.js';
import type { CloudDeps, CloudEnv } from './context.js';
import { getLive } from './contract/live.js';
import { errorAnswer, notFound } from './errors.js';
import { mount, type Authenticate } from './mount.js';

export function liveRoutes(deps: CloudDeps, authenticate: Authenticate): Hono<CloudEnv> {
  const app = new Hono<CloudEnv>();
  app.onError(errorAnswer);
  mount(app, authenticate, getLive, async (c, { params }) => {
    if (!(await deps.accounts.siteOfTenant(c.get('tenant').id, params.siteId))) throw notFound();
    const view = await deps.live.view(params.siteId);
    // An agent link sees what concerns its extension only (api/agent-scope.ts).
    const agent = c.get('key').agent;
    return agent ? { ...view, ...liveForExtension(view, agent.extension) } : view;
  });
  return app;
}
