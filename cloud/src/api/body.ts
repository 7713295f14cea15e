/**
 * Reading a /v1 request's JSON body: through the one bounded reader
 * (protocol/src/http/body.ts) with the limit of its route family. What it
 * must hold is the route's schema's to say (api/input.ts).
 */

import type { Context } from 'hono';
import { BodyTooLargeError, readText } from '../../../protocol/src/http/body.js';
import { apiError } from './errors.js';

/**
 * Largest body of each /v1 route family. Admin bodies are a name, a WEBKEY
 * and a time zone; a webhook's is a URL (2,048), event types and up to 1,000
 * site ids (22 characters each). The box API's forms have their own (16 KB,
 * protocol/src/box-api/forms.ts); CDR search and statistics take no body.
 */
export const BODY_LIMITS = {
  admin: 4 * 1024,
  webhooks: 64 * 1024,
  stream: 16 * 1024,
} as const;

export type BodyFamily = keyof typeof BODY_LIMITS;

/** A route that takes no fields still reads what it is sent (it must be empty or `{}`), this much at most. */
export const NO_FIELDS_LIMIT = 1024;

/** The parsed JSON body; undefined when there is none. Not JSON: `malformed-body`, naming the content type it came as. */
export async function readJson(c: Context, limit: number): Promise<unknown> {
  let text: string;
  try {
    text = await readText(c.req.raw, limit);
  } catch (err) {
    throw err instanceof BodyTooLargeError ? apiError('body-too-large', err.message, { limit }) : err;
  }
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
    const as = type && type !== 'application/json' ? ` (it came as ${type.slice(0, 80)})` : '';
    throw apiError('malformed-body', `body: not JSON${as}; send a JSON object with content-type: application/json`, { contentType: type || null });
  }
}
