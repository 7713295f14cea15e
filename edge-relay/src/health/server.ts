/**
 * `[metrics] listen`: the relay's own small HTTP server, apart from the LAN
 * box API (which integrations reach, and which may require a WEBKEY):
 *
 *   GET /healthz  200 while the process runs
 *   GET /readyz   200 ready, 503 not, with {"ami":…,"tunnel":…} saying what is down and why
 *   GET /metrics  Prometheus text (metrics.ts)
 *
 * Bound to loopback by default; nothing here changes anything.
 */

import { Hono } from 'hono';
import type { Readiness } from './ready.js';
import type { RelayMetrics } from './metrics.js';

export function healthApp(opts: { metrics: RelayMetrics; readiness: () => Readiness }): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', (c) => {
    const r = opts.readiness();
    return c.json(r.body, r.ready ? 200 : 503);
  });
  app.get('/metrics', async (c) => c.body(await opts.metrics.text(), 200, { 'content-type': opts.metrics.contentType }));
  app.notFound((c) => c.json({ status: 'error', message: 'not found: /healthz, /readyz and /metrics are served here' }, 404));
  return app;
}
