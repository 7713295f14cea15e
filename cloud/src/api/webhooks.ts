/**
 * Webhook endpoints of a tenant (the work is in webhooks/service.ts):
 *
 *   POST   /v1/tenants/{tenantId}/webhooks                     {url, events?, siteIds?, ordered?} → 201 + secret
 *   GET    /v1/tenants/{tenantId}/webhooks[/{id}]
 *   PATCH  /v1/tenants/{tenantId}/webhooks/{id}                {url?, events?, siteIds?, ordered?, enabled?}
 *   DELETE /v1/tenants/{tenantId}/webhooks/{id}
 *   POST   /v1/tenants/{tenantId}/webhooks/{id}/rotate-secret
 *   POST   /v1/tenants/{tenantId}/webhooks/{id}/test
 *   GET    /v1/tenants/{tenantId}/webhooks/{id}/deliveries?limit&cursor
 *   POST   /v1/tenants/{tenantId}/webhooks/{id}/replay          {from, to}
 */

import { Hono } from 'hono';
import { LogField } from '../../../protocol/src/log-fields.js';
import { ROTATION_GRACE_MS } from '../webhooks/subscriptions.js';
import type { WebhookService } from '../webhooks/service.js';
import { jsonObject, requireObject } from './body.js';
import type { CloudEnv } from './context.js';
import { errorAnswer } from './errors.js';
import { pathId } from './path-id.js';

export function webhookRoutes(service: WebhookService): Hono<CloudEnv> {
  const app = new Hono<CloudEnv>();
  app.onError(errorAnswer);
  const base = '/v1/tenants/:tenantId/webhooks';
  app.use(`${base}/:id`, pathId('webhook', 'id'));
  app.use(`${base}/:id/*`, pathId('webhook', 'id'));

  app.post(base, async (c) => {
    const { webhook, secret } = await service.create(c.get('tenant').id, requireObject(await jsonObject(c, 'webhooks')));
    c.get('log').info('webhook created', { [LogField.webhookId]: webhook.id });
    return c.json({ ...webhook, secret }, 201);
  });

  app.get(base, async (c) => c.json({ data: await service.list(c.get('tenant').id) }));

  app.get(`${base}/:id`, async (c) => c.json(await service.get(c.get('tenant').id, c.req.param('id'))));

  app.patch(`${base}/:id`, async (c) => c.json(await service.update(c.get('tenant').id, c.req.param('id'), requireObject(await jsonObject(c, 'webhooks')))));

  app.delete(`${base}/:id`, async (c) => {
    await service.remove(c.get('tenant').id, c.req.param('id'));
    return c.body(null, 204);
  });

  app.post(`${base}/:id/rotate-secret`, async (c) => {
    const secret = await service.rotateSecret(c.get('tenant').id, c.req.param('id'));
    return c.json({ id: c.req.param('id'), secret, previousSecretValidForHours: ROTATION_GRACE_MS / 3_600_000 });
  });

  app.post(`${base}/:id/test`, async (c) => c.json(await service.testSend(c.get('tenant').id, c.req.param('id'))));

  app.get(`${base}/:id/deliveries`, async (c) =>
    c.json(await service.deliveryLog(c.get('tenant').id, c.req.param('id'), { limit: c.req.query('limit'), cursor: c.req.query('cursor') })),
  );

  app.post(`${base}/:id/replay`, async (c) => {
    const r = await service.replay(c.get('tenant').id, c.req.param('id'), await jsonObject(c, 'webhooks'));
    c.get('log').info('webhook replay', { [LogField.webhookId]: r.id, enqueued: r.enqueued });
    return c.json(r, 202);
  });

  return app;
}
