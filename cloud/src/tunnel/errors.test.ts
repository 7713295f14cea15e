/**
 * The tunnel's failures as a box API caller sees them: the HTTP answer the
 * box routes give (protocol's errorResponse, the same one the LAN uses) for
 * each, and whether a retry may help.
 */
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { errorResponse } from '../../../protocol/src/box-api/routes.js';
import { silentLogger } from '../../../protocol/src/log.js';
import { relayGone, relayOffline, relayProtocolError, relayRefusal, relayTimeout, relayUnreachable } from './errors.js';

async function answer(err: Error): Promise<[number, unknown]> {
  const app = new Hono();
  app.get('/x', () => {
    throw err;
  });
  app.onError((e, c) => errorResponse(c, e, silentLogger));
  const res = await app.request('/x');
  return [res.status, await res.json()];
}

describe('tunnel failures', () => {
  it('answer 503 while the relay cannot be reached, 504 after the deadline (in seconds), recoverable both', async () => {
    expect(await answer(relayOffline())).toEqual([503, { status: 'error', message: 'site relay is offline' }]);
    expect(await answer(relayUnreachable())).toEqual([503, { status: 'error', message: 'site relay is unreachable' }]);
    expect(await answer(relayGone())).toEqual([503, { status: 'error', message: 'site relay disconnected before answering' }]);
    expect(await answer(relayTimeout(12_000))).toEqual([504, { status: 'error', message: 'site relay did not answer within 12 s' }]);
    expect(relayTimeout(1_449).message).toBe('site relay did not answer within 1.4 s');
    for (const e of [relayOffline(), relayUnreachable(), relayGone(), relayTimeout(1)]) expect(e.recoverable).toBe(true);
  });

  it('pass the relay\'s own refusal through; anything the cloud cannot use is 502, not recoverable', async () => {
    expect(await answer(relayRefusal({ status: 404, message: 'unknown extension 999' }))).toEqual([404, { status: 'error', message: 'unknown extension 999' }]);
    expect(await answer(relayRefusal({ status: 504, message: 'Asterisk did not answer within 5 s' }))).toEqual([504, { status: 'error', message: 'Asterisk did not answer within 5 s' }]);
    expect(await answer(relayRefusal({ status: 200, message: 'odd' }))).toEqual([502, { status: 'error', message: 'odd' }]);
    const streamed = relayProtocolError('the relay sent the recording through the tunnel instead of uploading it');
    expect([(await answer(streamed))[0], streamed.recoverable]).toEqual([502, false]);
  });
});
