/**
 * Webhook endpoints of a tenant: the handlers of contract/webhooks.ts's
 * and contract/deliveries.ts's routes (the work is in webhooks/service.ts).
 */

import { Hono } from 'hono';
import { LogField } from '../../../protocol/src/log-fields.js';
import { ROTATION_GRACE_MS } from '../webhooks/subscriptions.js';
import type { WebhookService } from '../webhooks/service.js';
import type { CloudEnv } from './context.js';
import { getDelivery, listDeliveries, resendDelivery } from './contract/deliveries.js';
import { createWebhook, deleteWebhook, getReplay, getWebhook, listWebhooks, replayWebhook, rotateWebhookSecret, testWebhook, updateWebhook } from './contract/webhooks.js';
import { errorAnswer } from './errors.js';
import { mount, type Authenticate } from './mount.js';

export function webhookRoutes(service: WebhookService, authenticate: Authenticate): Hono<CloudEnv> {
  const app = new Hono<CloudEnv>();
  app.onError(errorAnswer);
  const tenant = (c: { get(k: 'tenant'): { id: string } }) => c.get('tenant').id;

  mount(app, authenticate, createWebhook, async (c, { body }) => {
    const { webhook, secret } = await service.create(tenant(c), body);
    c.get('log').info('webhook created', { [LogField.webhookId]: webhook.id });
    return { ...webhook, secret };
  });

  mount(app, authenticate, listWebhooks, async (c) => ({ data: await service.list(tenant(c)) }));

  mount(app, authenticate, getWebhook, async (c, { params }) => service.get(tenant(c), params.id));

  mount(app, authenticate, updateWebhook, async (c, { params, body }) => service.update(tenant(c), params.id, body));

  mount(app, authenticate, deleteWebhook, async (c, { params }) => {
    await service.remove(tenant(c), params.id);
    return undefined;
  });

  mount(app, authenticate, rotateWebhookSecret, async (c, { params }) => {
    const secret = await service.rotateSecret(tenant(c), params.id);
    return { id: params.id, secret, previousSecretValidForHours: ROTATION_GRACE_MS / 3_600_000 };
  });

  mount(app, authenticate, testWebhook, async (c, { params }) => service.testSend(tenant(c), params.id));

  mount(app, authenticate, listDeliveries, async (c, { params, query }) => service.deliveryLog(tenant(c), params.id, query));

  mount(app, authenticate, getDelivery, async (c, { params }) => service.delivery(tenant(c), params.id, params.eventId));

  mount(app, authenticate, resendDelivery, async (c, { params }) => {
    const r = await service.resend(tenant(c), params.id, params.eventId);
    c.get('log').info('webhook resend', { [LogField.webhookId]: params.id, [LogField.eventId]: params.eventId, attempt: r.attempt });
    return r;
  });

  mount(app, authenticate, replayWebhook, async (c, { params, body }) => {
    const job = await service.replay(tenant(c), params.id, body);
    c.get('log').info('webhook replay started', { [LogField.webhookId]: params.id, jobId: job.jobId, steps: job.steps });
    return job;
  });

  mount(app, authenticate, getReplay, async (c, { params }) => service.replayJob(tenant(c), params.id, params.jobId));

  return app;
}
