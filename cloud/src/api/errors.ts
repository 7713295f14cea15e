/**
 * The errors of the cloud's own API (/v1): one type, thrown by validators,
 * services and middleware, each with a stable code, its HTTP status and a
 * message a user can act on; and the one place where any error becomes an
 * answer (errorAnswer, every router's onError).
 *
 * The box API keeps its own errors (protocol/src/box-api/errors.ts), with
 * their bodies exactly as the box's; errorAnswer passes those through too,
 * for the authentication in front of the box routes.
 */

import type { Context } from 'hono';
import { isBoxApiError } from '../../../protocol/src/box-api/errors.js';
import { isClientAbort } from '../../../protocol/src/http/body.js';
import { LogField } from '../../../protocol/src/log-fields.js';
import { silentLogger, type Logger } from '../../../protocol/src/log.js';

/** Every code the /v1 API answers with, and its status: declared once. */
export const API_ERRORS = {
  invalid_request: 400,
  unauthorized: 401,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unavailable: 503,
  internal: 500,
} as const;

export type ApiErrorCode = keyof typeof API_ERRORS;
export type ApiErrorStatus = (typeof API_ERRORS)[ApiErrorCode];

export class ApiError extends Error {
  readonly status: ApiErrorStatus;

  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = API_ERRORS[code];
  }

  /** What the caller reads. */
  toBody(): { status: 'error'; message: string } {
    return { status: 'error', message: this.message };
  }
}

export function apiError(code: ApiErrorCode, message: string): ApiError {
  return new ApiError(code, message);
}

/** A bad request, saying what to fix. */
export const invalid = (message: string): ApiError => apiError('invalid_request', message);

/** Missing, or another tenant's (the two look the same, so ids cannot be probed). */
export const notFound = (): ApiError => apiError('not_found', 'not found');

/**
 * The one place an error becomes an answer. Expected errors carry their
 * status and message; anything else is our fault: logged with the request's
 * ids, answered 500 without details.
 */
export function errorAnswer(err: Error, c: Context): Response {
  if (err instanceof ApiError) return c.json(err.toBody(), err.status);
  if (isBoxApiError(err)) return c.json(err.toBody(), err.status);
  const log = (c.get('log') as Logger | undefined) ?? silentLogger;
  // The client went away (or the request timeout cut its body): nobody reads this answer, and it is not our fault.
  if (isClientAbort(err, c.req.raw)) {
    log.debug('request aborted by the client', { path: c.req.path });
    return c.json(invalid('request aborted by the client').toBody(), 400);
  }
  log.error('request failed', { [LogField.error]: err, path: c.req.path });
  return c.json(apiError('internal', 'internal error').toBody(), 500);
}
