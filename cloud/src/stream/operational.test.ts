/**
 * Operational events on the stream (filter.ts, session.ts, messages.ts): which
 * connections they reach, the message they become, and that a repeat by id
 * (an outbox entry run twice) goes out once.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../protocol/src/clock.js';
import type { BoxEvent } from '../../../protocol/src/events/box-events.js';
import type { OperationalEvent } from '../operational/store.js';
import { eventId, type StoredEvent } from '../store/events.js';
import { matchesStream, onStream, STREAM_EVENT_TYPES } from './filter.js';
import { DEFAULT_STREAM_LIMITS } from './messages.js';
import { StreamSession, type StreamTransport } from './session.js';

const SITE = 'site_aaaaaaaaaaaaaaaa';
const TENANT = 'ten_aaaaaaaaaaaaaaaa';
const since = '2026-12-07T01:00:00.000Z';

const offline = (siteId: string | null = SITE): OperationalEvent => ({
  id: `evt_${siteId}_relay.offline_1796605200000`,
  type: 'relay.offline',
  tenantId: TENANT,
  siteId,
  occurredAt: '2026-12-07T01:00:30.000Z',
  data: { siteId, since, reason: 'connection lost' },
});
const disabled: OperationalEvent = { id: 'evt_wh_1_webhook.disabled_1', type: 'webhook.disabled', tenantId: TENANT, siteId: null, occurredAt: since, data: { webhookId: 'wh_1' } };
const dial: StoredEvent = {
  id: eventId(SITE, 1),
  siteId: SITE,
  tenantId: TENANT,
  seq: 1,
  type: 'dialbegin',
  occurredAt: since,
  data: { event: 'dialbegin', calleridnum: '801', destcalleridnum: '802' } as unknown as BoxEvent,
};

describe('operational events and the stream filter', () => {
  it('offers the box events and the four about a site; the webhook notices stay with webhooks', () => {
    expect(STREAM_EVENT_TYPES).toEqual(['dialbegin', 'dialend', 'hangup', 'extensionstatus', 'ivr', 'cdr', 'cc_cdr', 'relay.offline', 'relay.online', 'ami.down', 'ami.up']);
    expect([onStream(offline()), onStream(dial), onStream(disabled)]).toEqual([true, true, false]);
    expect(matchesStream({ events: ['webhook.disabled'] }, disabled)).toBe(false);
  });

  it('reach a stream that names them, as webhooks: not one without an events filter', () => {
    expect(matchesStream({}, offline())).toBe(false);
    expect(matchesStream({}, dial)).toBe(true);
    expect(matchesStream({ events: ['relay.offline'] }, offline())).toBe(true);
    expect(matchesStream({ events: ['relay.online'] }, offline())).toBe(false);
  });

  it('follow siteIds; extensions hold back box events only (an outage is about the whole site)', () => {
    expect(matchesStream({ events: ['relay.offline'], siteIds: ['site_bbbbbbbbbbbbbbbb'] }, offline())).toBe(false);
    expect(matchesStream({ events: ['relay.offline', 'dialbegin'], siteIds: [SITE], extensions: ['803'] }, offline())).toBe(true);
    expect(matchesStream({ events: ['relay.offline', 'dialbegin'], extensions: ['803'] }, dial)).toBe(false);
  });
});

describe('operational events in a session', () => {
  it('go out as the webhook envelope with type "event" and their own type in "event", once by id, also while resuming', async () => {
    const sent: any[] = [];
    const t: StreamTransport = { send: (text) => sent.push(JSON.parse(text)), buffered: () => ({ bytes: 0, messages: 0 }), close: () => undefined };
    const s = new StreamSession(t, { tenantId: TENANT, filter: { events: ['relay.offline', 'dialbegin'] }, state: false, limits: DEFAULT_STREAM_LIMITS, clock: new ManualClock() });
    // Offered while the stored events are read: held, then sent after them.
    s.offer([offline()]);
    await s.resume(new Map([[SITE, 0]]), async function* () {
      yield dial;
    });
    s.offer([offline(), { ...offline(), tenantId: 'ten_bbbbbbbbbbbbbbbb', id: 'evt_other' }]);
    expect(sent).toEqual([
      { type: 'event', id: dial.id, siteId: SITE, seq: 1, occurredAt: since, data: dial.data },
      { type: 'event', event: 'relay.offline', id: offline().id, siteId: SITE, seq: null, occurredAt: '2026-12-07T01:00:30.000Z', data: { siteId: SITE, since, reason: 'connection lost' } },
    ]);
    expect(Object.keys(sent[1])).toEqual(['type', 'event', 'id', 'siteId', 'seq', 'occurredAt', 'data']);
  });
});
