/**
 * The notices about a tenant's own endpoints (notices.ts): what they carry,
 * that they go to the endpoints naming them but never to the endpoint they
 * are about, and that giving up on a notice makes no further notice.
 */
import { describe, expect, it } from 'vitest';
import { matches } from './fanout.js';
import { webhookDisabledEvent, webhookExhaustedEvent } from './notices.js';
import type { DeliveryMessage } from './queue.js';
import type { Webhook } from './subscriptions.js';

const endpoint = (id: string, over: Partial<Webhook> = {}): Webhook => ({
  id,
  tenantId: 'ten_a',
  url: `https://crm.example/${id}`,
  events: ['webhook.disabled', 'webhook.exhausted'],
  siteIds: null,
  ordered: false,
  status: 'active',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

const failing = endpoint('wh_failing', { events: ['cdr'] });
const watcher = endpoint('wh_watcher');
const message = (type: string, id = 'evt_site_a_12'): DeliveryMessage => ({
  v: 1,
  webhookId: failing.id,
  tenantId: 'ten_a',
  enqueuedAt: 0,
  envelope: { id, type, siteId: 'site_a', seq: 12, occurredAt: '2026-01-01T10:00:00.000Z', data: {} },
});
const givenUp = { attempts: 8, responseCode: 500, lastError: 'HTTP 500', at: '2026-01-02T10:00:00.000Z' };

describe('webhook notices', () => {
  it('webhook.disabled says which endpoint, why and when, with an id stable for that disabling', () => {
    const e = webhookDisabledEvent(failing, '2026-01-02T10:00:00.000Z', 'gone', 'the endpoint answered 410 Gone');
    expect(e).toEqual({
      id: `evt_wh_failing_webhook.disabled_${Date.parse('2026-01-02T10:00:00.000Z')}`,
      type: 'webhook.disabled',
      tenantId: 'ten_a',
      siteId: null,
      occurredAt: '2026-01-02T10:00:00.000Z',
      data: { event: 'webhook.disabled', webhookId: 'wh_failing', url: 'https://crm.example/wh_failing', reason: 'gone', message: 'the endpoint answered 410 Gone', disabledAt: '2026-01-02T10:00:00.000Z' },
    });
    expect(webhookDisabledEvent(failing, '2026-01-02T10:00:00.000Z', 'gone', 'x').id).toBe(e.id);
  });

  it('webhook.exhausted names the event given up and the last error; one id per endpoint and event', () => {
    const e = webhookExhaustedEvent(failing, message('cdr'), givenUp)!;
    expect(e.id).toBe('evt_wh_failing_webhook.exhausted_evt_site_a_12');
    expect(e.data).toEqual({
      event: 'webhook.exhausted',
      webhookId: 'wh_failing',
      url: 'https://crm.example/wh_failing',
      eventId: 'evt_site_a_12',
      eventType: 'cdr',
      siteId: 'site_a',
      attempts: 8,
      responseCode: 500,
      lastError: 'HTTP 500',
      deadLetteredAt: '2026-01-02T10:00:00.000Z',
    });
    expect(webhookExhaustedEvent(failing, message('cdr'), { ...givenUp, at: '2026-01-03T00:00:00.000Z' })!.id).toBe(e.id);
  });

  it('giving up on a notice makes no notice (two failing endpoints would notify each other forever)', () => {
    expect(webhookExhaustedEvent(watcher, message('webhook.exhausted', 'evt_wh_failing_webhook.exhausted_evt_site_a_12'), givenUp)).toBeUndefined();
    expect(webhookExhaustedEvent(watcher, message('webhook.disabled', 'evt_wh_failing_webhook.disabled_1'), givenUp)).toBeUndefined();
  });

  it('goes to the endpoints that name it, never to the one it is about, nor to endpoints naming no types', () => {
    const disabled = webhookDisabledEvent(failing, '2026-01-02T10:00:00.000Z', 'user', 'disabled by the tenant');
    const exhausted = webhookExhaustedEvent(watcher, message('cdr'), givenUp)!;
    expect(matches(watcher, disabled)).toBe(true);
    expect(matches(failing, disabled)).toBe(false);
    expect(matches(endpoint('wh_all', { events: null }), disabled)).toBe(false);
    expect(matches(endpoint('wh_other', { events: ['webhook.exhausted'] }), disabled)).toBe(false);
    expect(matches(endpoint('wh_other', { events: ['webhook.exhausted'] }), exhausted)).toBe(true);
    // About the watcher itself: not to the watcher, though it names the type.
    expect(matches(watcher, exhausted)).toBe(false);
    // About the tenant as a whole: not to an endpoint limited to some sites.
    expect(matches(endpoint('wh_site', { siteIds: ['site_a'] }), disabled)).toBe(false);
  });
});
