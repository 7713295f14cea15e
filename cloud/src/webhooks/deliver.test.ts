/**
 * One POST to an endpoint on loopback, and what its answer means: a timeout,
 * a refused connection and a redirect (not followed) are failures to retry,
 * with the reason the delivery log shows.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../local/free-port.js';
import { attemptError, postJson } from './deliver.js';
import { isDelivered, judgeAttempt } from './schedule.js';

let server: http.Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

async function endpoint(handle: http.RequestListener): Promise<string> {
  server = http.createServer(handle);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
}

const post = (url: string, timeoutMs = 2000) => postJson(url, '{"id":"evt_1"}', { 'webhook-id': 'evt_1' }, { allowPrivate: true, timeoutMs });

const outcome = async (url: string, timeoutMs?: number) => {
  const r = await post(url, timeoutMs);
  const verdict = judgeAttempt({ attempt: 1, status: r.status, retryAfter: r.retryAfter, nowMs: Date.now() });
  return { status: r.status, verdict: verdict.kind, error: attemptError(r, isDelivered(r.status)) };
};

describe('a delivery attempt on the wire', () => {
  it('is delivered by a 2xx, with the body and headers sent', async () => {
    let got = '';
    const url = await endpoint((req, res) => {
      req.on('data', (c) => (got += c));
      req.on('end', () => res.writeHead(204).end());
    });
    expect(await outcome(url)).toEqual({ status: 204, verdict: 'delivered', error: null });
    expect(got).toBe('{"id":"evt_1"}');
  });

  it('is retried when the endpoint does not answer in time, saying so', async () => {
    const url = await endpoint(() => undefined);
    expect(await outcome(url, 200)).toEqual({ status: undefined, verdict: 'retry', error: 'no answer within 200 ms' });
  });

  it('is retried when nobody listens, and when the endpoint redirects (redirects are not followed)', async () => {
    const url = await endpoint((_req, res) => res.writeHead(302, { location: 'http://169.254.169.254/' }).end());
    expect(await outcome(url)).toEqual({ status: 302, verdict: 'retry', error: 'HTTP 302' });
    const port = await freePort();
    const refused = await outcome(`http://127.0.0.1:${port}/hooks`);
    expect(refused).toMatchObject({ status: undefined, verdict: 'retry', error: expect.stringContaining('ECONNREFUSED') });
  });
});
