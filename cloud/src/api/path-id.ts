/** An id in the path must have its kind's shape (store/ids.ts), else 404 before any look-up. */

import type { MiddlewareHandler } from 'hono';
import { isId, type IdKind } from '../store/ids.js';
import type { CloudEnv } from './context.js';
import { notFound } from './errors.js';

export function pathId(kind: IdKind, param: string): MiddlewareHandler<CloudEnv> {
  return async (c, next) => {
    if (!isId(kind, c.req.param(param))) throw notFound();
    await next();
  };
}
