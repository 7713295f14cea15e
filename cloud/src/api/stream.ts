/**
 * The event stream's ticket route (contract/stream.ts). The stream itself
 * is a WebSocket upgrade served by the runtime's stream hub
 * (stream/local-hub.ts, stream/aws-stream.ts).
 */

import { Hono } from 'hono';
import { checkSites, withoutUndefined } from '../stream/open.js';
import { agentStreamFilter } from './agent-scope.js';
import type { CloudDeps, CloudEnv } from './context.js';
import { createStreamTicket } from './contract/stream.js';
import { errorAnswer } from './errors.js';
import { mount, type Authenticate } from './mount.js';

export function streamRoutes(deps: CloudDeps, authenticate: Authenticate): Hono<CloudEnv> {
  const app = new Hono<CloudEnv>();
  app.onError(errorAnswer);

  mount(app, authenticate, createStreamTicket, async (c, { body }) => {
    const tenantId = c.get('tenant').id;
    const agent = c.get('key').agent;
    const filter = agent ? agentStreamFilter(agent, withoutUndefined(body)) : withoutUndefined(body);
    await checkSites(deps, tenantId, filter.siteIds ?? [], 'siteIds');
    const { ticket, expiresAt } = await deps.streamTickets.issue(tenantId, filter);
    // On AWS the stream is its own API (infra/lib/stream-api.ts): the ticket says where, so a browser need not know.
    return { ticket, expiresAt: new Date(expiresAt).toISOString(), url: `${deps.streamUrl ?? '/v1/stream'}?ticket=${ticket}` };
  });

  return app;
}
