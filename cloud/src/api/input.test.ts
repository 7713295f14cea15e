/**
 * Requests against the route table's schemas (contract/): strict — an unknown
 * field or parameter is refused naming it, with the closest allowed name —
 * and every other refusal names the field and says what it must be.
 */
import { describe, expect, it } from 'vitest';
import { createSite } from './contract/admin.js';
import { listDeliveries } from './contract/deliveries.js';
import { createWebhook, replayWebhook, updateWebhook } from './contract/webhooks.js';
import { ApiError, type ApiErrorBody } from './errors.js';
import { queryObject, validate } from './input.js';

function refusal(f: () => unknown): ApiErrorBody {
  try {
    f();
  } catch (err) {
    if (err instanceof ApiError) return err.toBody();
    throw err;
  }
  throw new Error('accepted');
}
const site = (body: unknown) => validate(createSite.body.schema, body, 'body');
const hook = (body: unknown) => validate(createWebhook.body.schema, body, 'body');
const S1 = 'site_0000000000000001';

describe('body fields', () => {
  it('refuses a field the route does not take, naming it and the field meant (issue 12)', () => {
    expect(refusal(() => site({ name: 'HQ', timeZone: 'Europe/Berlin' }))).toEqual({
      status: 'error',
      code: 'unknown-field',
      message: 'unknown field: timeZone (did you mean timezone?) (allowed: name, webkey, timezone)',
      details: { in: 'body', field: 'timeZone', allowed: ['name', 'webkey', 'timezone'], suggestion: 'timezone' },
    });
    expect(refusal(() => hook({ url: 'https://x.example/', evnts: ['cdr'] }))).toMatchObject({ code: 'unknown-field', details: { field: 'evnts', suggestion: 'events' } });
    // Named first even when another field is also wrong: the likeliest mistake.
    expect(refusal(() => site({ timeZone: 'Europe/Berlin' }))).toMatchObject({ code: 'unknown-field', details: { field: 'timeZone' } });
    expect(refusal(() => validate(updateWebhook.body.schema, { enable: true }, 'body'))).toMatchObject({ code: 'unknown-field', message: expect.stringMatching(/^unknown field: enable \(did you mean enabled\?\)/) });
  });

  it('says what a missing or wrong field must be', () => {
    expect(refusal(() => site({}))).toEqual({ status: 'error', code: 'invalid-field', message: 'name: required: 1-200 printable characters (surrounding spaces are trimmed)', details: { field: 'name', in: 'body' } });
    expect(refusal(() => site({ name: '   ' })).message).toBe('name: must not be blank');
    expect(refusal(() => site({ name: 'HQ', timezone: 'Mars/Base' })).message).toBe('timezone: "Mars/Base" is not an IANA time zone (such as Europe/Berlin)');
    expect(refusal(() => hook({ url: 'https://x.example/', ordered: 'yes' })).message).toBe('ordered: a boolean: one call\'s events one at a time, in order');
    expect(refusal(() => hook({ url: 'https://x.example/', events: [] })).message).toMatch(/^events: a non-empty array of dialbegin, /);
    expect(refusal(() => hook({ url: 'https://x.example/', events: ['cdr', 'ringing'] }))).toMatchObject({ message: expect.stringMatching(/^events: item 1: unknown event type "ringing" \(known: /), details: { path: 'events.1' } });
    expect(refusal(() => hook({ url: 'https://x.example/', siteIds: [S1, 'site_abc'] })).message).toMatch(/^siteIds: item 1: a site id: site_ and 16 lower-case letters or digits/);
    expect(refusal(() => hook({ url: 'https://x.example/', siteIds: Array.from({ length: 1001 }, () => S1) })).message).toBe('siteIds: at most 1000 site ids (leave siteIds out for every site)');
    expect(refusal(() => hook({ url: 'x'.repeat(2049) })).message).toMatch(/^url: where to POST: an http\(s\) URL of at most 2048/);
    expect(refusal(() => validate(replayWebhook.body.schema, { from: 'yesterday' }, 'body')).message).toMatch(/^from: /);
  });

  it('refuses a body that is not an object as malformed, not as a field', () => {
    for (const body of [[], 'name=HQ', 42, null]) expect(refusal(() => site(body))).toMatchObject({ code: 'malformed-body', message: 'body: a JSON object is required' });
  });

  it('answers the typed values: event types normalised and unique, ids unique, names trimmed', () => {
    expect(hook({ url: 'https://x.example/', events: ['DialBegein', 'hangup', 'HANGUP'], siteIds: [S1, S1] })).toEqual({ url: 'https://x.example/', events: ['dialbegin', 'hangup'], siteIds: [S1] });
    // The cloud's own events are named like any other (and only then delivered).
    expect(hook({ url: 'https://x.example/', events: ['relay.offline', ' AMI.Down', 'cdr'] })).toEqual({ url: 'https://x.example/', events: ['relay.offline', 'ami.down', 'cdr'] });
    expect(refusal(() => hook({ url: 'https://x.example/', events: ['relay.gone'] })).message).toBe(
      'events: item 0: unknown event type "relay.gone" (known: dialbegin, dialend, hangup, extensionstatus, ivr, cdr, cc_cdr, relay.offline, relay.online, ami.down, ami.up, webhook.disabled, webhook.exhausted)',
    );
    expect(site({ name: '  HQ ', timezone: 'Europe/Berlin' })).toEqual({ name: 'HQ', timezone: 'Europe/Berlin' });
    expect(validate(replayWebhook.body.schema, { from: '2026-11-24T00:00:00Z', to: 1795510800000 }, 'body')).toEqual({ from: Date.UTC(2026, 10, 24), to: 1795510800000 });
  });
});

describe('query parameters', () => {
  const deliveries = (q: string) => validate(listDeliveries.query, queryObject(new URLSearchParams(q)), 'query');
  it('are strict, single, and typed', () => {
    expect(deliveries('limit=20')).toEqual({ limit: 20 });
    expect(refusal(() => deliveries('limit=501')).message).toBe('limit: an integer from 1 to 500');
    expect(refusal(() => deliveries('limt=5'))).toMatchObject({ code: 'unknown-field', message: 'unknown parameter: limt (did you mean limit?) (allowed: limit, cursor, status)' });
    expect(refusal(() => deliveries('limit=5&limit=6')).message).toBe('limit: given more than once');
    expect(refusal(() => deliveries(`cursor=${'A'.repeat(600)}`)).message).toBe('cursor: not a cursor of this API');
    const cursor = Buffer.from('000001795510800000#evt_site_0000000000000001_7').toString('base64url');
    expect(deliveries(`cursor=${cursor}`)).toEqual({ cursor: '000001795510800000#evt_site_0000000000000001_7' });
  });
});
