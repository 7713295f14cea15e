/**
 * The one place errors become answers: a /v1 refusal keeps its status and
 * message, the box API's authentication answers in the box's words, and
 * anything unexpected is a bare 500 (logged, never shown).
 */
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { boxError } from '../../../protocol/src/box-api/errors.js';
import { RequestAbortedError } from '../../../protocol/src/http/body.js';
import { createLogger } from '../../../protocol/src/log.js';
import { API_ERRORS, apiError, errorAnswer, invalidField, notFound } from './errors.js';

function appThrowing(err: Error, lines: string[] = []) {
  const app = new Hono();
  app.use('*', async (c, next) => {
    c.set('log' as never, createLogger({ level: 'debug', write: (l) => lines.push(l) }) as never);
    await next();
  });
  app.get('/x', () => {
    throw err;
  });
  app.onError(errorAnswer);
  return app;
}

const answer = async (err: Error, lines?: string[]) => {
  const res = await appThrowing(err, lines).request('/x');
  return { status: res.status, body: await res.json() };
};

describe('errorAnswer', () => {
  it('answers a /v1 refusal with its status, stable code, message and details', async () => {
    expect(await answer(invalidField('limit', 'an integer from 1 to 500', { in: 'query' }))).toEqual({
      status: 400,
      body: { status: 'error', code: 'invalid-field', message: 'limit: an integer from 1 to 500', details: { field: 'limit', in: 'query' } },
    });
    expect(await answer(notFound())).toEqual({ status: 404, body: { status: 'error', code: 'not-found', message: 'not found' } });
    expect(await answer(apiError('webhook-disabled', 'the endpoint is disabled'))).toEqual({ status: 409, body: { status: 'error', code: 'webhook-disabled', message: 'the endpoint is disabled' } });
    expect(await answer(apiError('admin-disabled', 'admin API disabled: set ADMIN_TOKEN'))).toMatchObject({ status: 503, body: { code: 'admin-disabled' } });
  });

  it('gives every code one status and a meaning, and codes their one spelling', () => {
    for (const [code, spec] of Object.entries(API_ERRORS)) {
      expect(apiError(code as keyof typeof API_ERRORS, 'x').status).toBe(spec.status);
      expect(code).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(spec.meaning.length).toBeGreaterThan(10);
    }
  });

  it('passes the box API\'s own errors through unchanged', async () => {
    expect(await answer(boxError(401, 'invalid or missing Authorization'))).toEqual({ status: 401, body: { status: 'error', message: 'invalid or missing Authorization' } });
  });

  it('answers anything else 500 without its details, and logs it with its stack', async () => {
    const lines: string[] = [];
    expect(await answer(new Error('DynamoDB said no: secret detail'), lines)).toEqual({ status: 500, body: { status: 'error', code: 'internal', message: 'internal error' } });
    expect(lines.map((l) => JSON.parse(l))).toEqual([expect.objectContaining({ level: 'error', msg: 'request failed', error: { name: 'Error', message: 'DynamoDB said no: secret detail', stack: expect.stringMatching(/^Error: DynamoDB said no: secret detail\n\s+at /) }, path: '/x' })]);
  });

  it('logs a client that went away at debug, not as our error', async () => {
    const lines: string[] = [];
    const res = await answer(new RequestAbortedError(new Error('aborted')), lines);
    expect(res).toEqual({ status: 400, body: { status: 'error', code: 'request-aborted', message: 'request aborted by the client' } });
    expect(lines.map((l) => JSON.parse(l))).toEqual([expect.objectContaining({ level: 'debug', msg: 'request aborted by the client' })]);
  });
});
