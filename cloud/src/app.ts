/**
 * The cloud as one Hono app. The local server (cloud/src/local) and the
 * Lambda handlers (cloud/src/lambda) only translate their transport to it.
 */

import { Hono } from 'hono';
import { analyticsRoutes } from './analytics/routes.js';
import { adminRoutes } from './api/admin.js';
import { authenticate } from './api/auth.js';
import type { CloudDeps, CloudEnv } from './api/context.js';
import { errorAnswer, notFound } from './api/errors.js';
import { requestId } from './api/request-id.js';
import { liveRoutes } from './api/live.js';
import { siteRoutes } from './api/sites.js';
import { webhookRoutes } from './api/webhooks.js';

export function createCloudApp(deps: CloudDeps): Hono<CloudEnv> {
  const app = new Hono<CloudEnv>();
  app.use('*', requestId(deps.logger));
  app.get('/health', (c) => c.json({ status: 'ok' }));
  const auth = authenticate(deps);
  app.route('/', adminRoutes(deps, auth));
  app.route('/', webhookRoutes(deps.webhooks, auth));
  app.route('/', analyticsRoutes(deps, auth));
  app.route('/', liveRoutes(deps, auth));
  app.route('/', siteRoutes(deps));
  app.notFound((c) => c.json(notFound().toBody(), 404));
  app.onError(errorAnswer);
  return app;
}
