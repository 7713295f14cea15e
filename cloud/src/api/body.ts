/**
 * Reading a /v1 request's JSON body: through the one bounded reader
 * (protocol/src/http/body.ts) with the limit of its route family, and only
 * as far as the routes accept it (an object).
 */

import type { Context } from 'hono';
import { BodyTooLargeError, readText } from '../../../protocol/src/http/body.js';
import { apiError, invalid } from './errors.js';

/**
 * Largest body of each /v1 route family. Admin bodies are a name, a WEBKEY
 * and a time zone; a webhook's is a URL (2,048), event types and up to 1,000
 * site ids (22 characters each). The box API's forms have their own (16 KB,
 * protocol/src/box-api/forms.ts); CDR search and statistics take no body.
 */
export const BODY_LIMITS = {
  admin: 4 * 1024,
  webhooks: 64 * 1024,
} as const;

export type BodyFamily = keyof typeof BODY_LIMITS;

/** The body when it is a JSON object; undefined when it is empty, not JSON, or not an object. */
export async function jsonObject(c: Context, family: BodyFamily): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await readText(c.req.raw, BODY_LIMITS[family]);
  } catch (err) {
    throw err instanceof BodyTooLargeError ? apiError('too_large', err.message) : err;
  }
  try {
    const b: unknown = JSON.parse(text);
    return b && typeof b === 'object' && !Array.isArray(b) ? (b as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A body that must be a JSON object. */
export function requireObject(b: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!b) throw invalid('body must be a JSON object');
  return b;
}
