/** Reading a request's JSON body, bounded by what the routes accept: an object. */

import type { Context } from 'hono';
import { invalid } from './errors.js';

/** The body when it is a JSON object; undefined when it is not JSON, or not an object. */
export async function jsonObject(c: Context): Promise<Record<string, unknown> | undefined> {
  try {
    const b: unknown = await c.req.json();
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
