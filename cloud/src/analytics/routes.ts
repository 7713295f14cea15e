/** `GET /v1/tenants/{tenantId}/cdrs` and `/stats` (issue 5). Being built. */

import { Hono } from 'hono';
import type { CloudEnv } from '../api/context.js';
import type { AnalyticsStore } from './store.js';

export function analyticsRoutes(deps: { analytics: AnalyticsStore }): Hono<CloudEnv> {
  void deps;
  return new Hono<CloudEnv>();
}
