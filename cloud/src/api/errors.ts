/**
 * The errors of the cloud's own API (/v1): one type, thrown by validators,
 * services and middleware, each with a stable code, its HTTP status, a
 * message a user can act on and, where it helps, details a program can read
 * (the field at fault, what is allowed); and the one place where any error
 * becomes an answer (errorAnswer, every router's onError).
 *
 * Every code is declared once, in API_ERRORS: its status and what it means.
 * The OpenAPI document's error responses and docs/errors.md are derived from
 * (or checked against) this table.
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

interface CodeSpec {
  readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 422 | 500 | 502 | 503 | 504;
  /** When a caller gets it, and what to do. */
  readonly meaning: string;
}

/** Every code the cloud answers with (and logs), and its status: declared once. */
export const API_ERRORS = {
  'malformed-body': { status: 400, meaning: 'the body is not a JSON object (a form, broken JSON, an array): send a JSON object with content-type: application/json' },
  'unknown-field': { status: 400, meaning: 'a body field or query parameter the route does not take; `details.field` names it, `details.allowed` lists what it takes' },
  'invalid-field': { status: 400, meaning: 'a body field or query parameter that is missing, of the wrong type or out of its bounds; `details.field` names it' },
  'request-aborted': { status: 400, meaning: 'the client went away before its request was complete (nobody reads this answer)' },
  unauthorized: { status: 401, meaning: 'the Authorization header is missing, or its key or token is not valid' },
  'insufficient-scope': { status: 403, meaning: 'the key is valid but lacks the scope the route needs; `details.required` names it (`agent`: an agent link used beyond its site, extension or the toolbar\'s routes, also naming its `siteId` and `extension`)' },
  'origin-not-allowed': { status: 403, meaning: 'a browser preflight from an origin the tenant has not listed in its corsOrigins (PATCH /v1/tenants/{tenantId})' },
  'not-found': { status: 404, meaning: 'no such route, or no such resource of this tenant (another tenant\'s look exactly the same, so ids cannot be probed)' },
  'limit-reached': { status: 409, meaning: 'the tenant holds the most of these it may (`details.limit`): delete one first' },
  'webhook-disabled': { status: 409, meaning: 'the webhook endpoint is disabled: enable it (PATCH {"enabled":true}) first' },
  'body-too-large': { status: 413, meaning: 'the body is over its route family\'s limit (`details.limit` bytes)' },
  'idempotency-key-reused': { status: 422, meaning: 'an Idempotency-Key already used with a different command or fields' },
  internal: { status: 500, meaning: 'our fault: logged with the request id (x-request-id), answered without details' },
  'relay-protocol-error': { status: 502, meaning: 'the site\'s relay answered in a way the cloud cannot use' },
  'admin-disabled': { status: 503, meaning: 'the operator API is off: the cloud was started without ADMIN_TOKEN' },
  starting: { status: 503, meaning: 'the local cloud is still starting its database and queues (Retry-After: 1)' },
  'relay-offline': { status: 503, meaning: 'the site\'s relay is not connected' },
  'relay-unreachable': { status: 503, meaning: 'the command could not be handed to the relay\'s connection' },
  'relay-disconnected': { status: 503, meaning: 'the relay\'s connection went away with the command on it: whether it ran is unknown' },
  'relay-timeout': { status: 504, meaning: 'the relay did not answer within COMMAND_TIMEOUT_MS' },
} as const satisfies Record<string, CodeSpec>;

export type ApiErrorCode = keyof typeof API_ERRORS;
export type ApiErrorStatus = (typeof API_ERRORS)[ApiErrorCode]['status'];
export const API_ERROR_CODES = Object.keys(API_ERRORS) as ApiErrorCode[];

/** What a refusal may tell a program, beyond its message. */
export type ApiErrorDetails = Record<string, string | number | boolean | null | readonly string[]>;

/** The body of every /v1 error answer. */
export interface ApiErrorBody {
  status: 'error';
  code: ApiErrorCode;
  message: string;
  details?: ApiErrorDetails;
}

export class ApiError extends Error {
  readonly status: ApiErrorStatus;

  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: ApiErrorDetails,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = API_ERRORS[code].status;
  }

  /** What the caller reads. */
  toBody(): ApiErrorBody {
    return this.details ? { status: 'error', code: this.code, message: this.message, details: this.details } : { status: 'error', code: this.code, message: this.message };
  }
}

export function apiError(code: ApiErrorCode, message: string, details?: ApiErrorDetails): ApiError {
  return new ApiError(code, message, details);
}

/** A field or parameter that is wrong: the message starts with its name (`limit: an integer from 1 to 1000`). */
export function invalidField(field: string, message: string, details: ApiErrorDetails = {}): ApiError {
  return apiError('invalid-field', `${field}: ${message}`, { field, ...details });
}

/** Missing, or another tenant's (the two look the same, so ids cannot be probed). */
export const notFound = (): ApiError => apiError('not-found', 'not found');

/**
 * The one place an error becomes an answer. Expected errors carry their
 * status and message; anything else is our fault: logged with the request's
 * ids, answered 500 without details.
 */
export function errorAnswer(err: Error, c: Context): Response {
  const log = (c.get('log') as Logger | undefined) ?? silentLogger;
  // The client went away (or the request timeout cut its body): nobody reads this answer, and it is not our
  // fault. First: a body cut short can also surface as a validation error of what little arrived.
  if (isClientAbort(err, c.req.raw)) {
    log.debug('request aborted by the client', { path: c.req.path, error: err.message });
    return c.json(apiError('request-aborted', 'request aborted by the client').toBody(), 400);
  }
  if (err instanceof ApiError) return c.json(err.toBody(), err.status);
  if (isBoxApiError(err)) return c.json(err.toBody(), err.status);
  log.error('request failed', { [LogField.error]: err, path: c.req.path });
  return c.json(apiError('internal', 'internal error').toBody(), 500);
}
