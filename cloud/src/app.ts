/**
 * The cloud as one Hono app. The local server (cloud/src/local) and the
 * Lambda handlers (cloud/src/lambda) only translate their transport to it.
 */

import { Hono } from 'hono';
import { analyticsRoutes } from './analytics/routes.js';
import { adminRoutes } from './api/admin.js';
import { agentLinkRoutes } from './api/agent-links.js';
import { authenticate } from './api/auth.js';
import { callRoutes } from './api/calls.js';
import { cors } from './api/cors.js';
import type { CloudDeps, CloudEnv } from './api/context.js';
import { errorAnswer, notFound } from './api/errors.js';
import { keyRoutes } from './api/keys.js';
import { lifecycleRoutes } from './api/lifecycle.js';
import { requestId } from './api/request-id.js';
import { liveRoutes } from './api/live.js';
import { outageRoutes } from './api/outages.js';
import { siteRoutes } from './api/sites.js';
import { streamRoutes } from './api/stream.js';
import { webhookRoutes } from './api/webhooks.js';
import { CONSOLE_PATH, consoleRoutes } from './console/routes.js';
import { referenceRoutes } from './openapi/reference.js';
import { openApiRoutes } from './openapi/routes.js';

export interface CloudAppOptions {
  /** Where the web console's built files are (dist/console); absent: no console. */
  consoleDir?: string;
}

export function createCloudApp(deps: CloudDeps, options: CloudAppOptions = {}): Hono<CloudEnv> {
  const app = new Hono<CloudEnv>();
  app.use('*', requestId(deps.logger));
  // Before any route: preflights carry no key.
  app.use('*', cors(deps));
  app.get('/health', (c) => c.json({ status: 'ok' }));
  if (options.consoleDir) {
    app.route('/', consoleRoutes(options.consoleDir));
    // A person opening the cloud's address in a browser gets the console.
    app.get('/', (c) => c.redirect(`${CONSOLE_PATH}/`, 302));
  }
  app.route('/', openApiRoutes());
  app.route('/', referenceRoutes());
  const auth = authenticate(deps);
  app.route('/', adminRoutes(deps, auth));
  app.route('/', keyRoutes(deps, auth));
  app.route('/', agentLinkRoutes(deps, auth));
  app.route('/', lifecycleRoutes(deps, auth));
  app.route('/', webhookRoutes(deps.webhooks, auth));
  app.route('/', analyticsRoutes(deps, auth));
  app.route('/', callRoutes(deps, auth));
  app.route('/', streamRoutes(deps, auth));
  app.route('/', liveRoutes(deps, auth));
  app.route('/', outageRoutes(deps, auth));
  app.route('/', siteRoutes(deps));
  // (A box path with no endpoint gets the box's own 404 from siteRoutes' catch-all.)
  app.notFound((c) => c.json(notFound().toBody(), 404));
  app.onError(errorAnswer);
  return app;
}
