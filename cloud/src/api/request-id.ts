/** Every request gets an id (kept from `x-request-id` when the caller sends a sane one), echoed and logged. */

import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../../../protocol/src/log.js';
import { randomId } from '../store/secrets.js';
import type { CloudEnv } from './context.js';
import { LogField } from '../../../protocol/src/log-fields.js';

export function requestId(logger: Logger): MiddlewareHandler<CloudEnv> {
  return async (c, next) => {
    const given = c.req.header('x-request-id');
    const id = given && /^[A-Za-z0-9._:-]{1,64}$/.test(given) ? given : randomId('req');
    c.set('requestId', id);
    c.set('log', logger.child({ [LogField.requestId]: id }));
    c.header('x-request-id', id);
    await next();
  };
}
