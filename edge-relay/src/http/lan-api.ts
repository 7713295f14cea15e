/**
 * The relay standing in for the old box on the LAN: the box API at
 * `/coocenter-api/...` on BINDPORT, with the box's WEBKEY authentication.
 */

import { Hono } from 'hono';
import type { Pbx } from '../../../protocol/src/box-api/pbx.js';
import { boxRoutes } from '../../../protocol/src/box-api/routes.js';
import { webkeyAuth } from '../../../protocol/src/box-api/webkey.js';
import type { Logger } from '../../../protocol/src/log.js';

export interface LanApiOptions {
  pbx: Pbx;
  webkey?: string;
  timeZone?: string;
  now?: () => number;
  logger: Logger;
}

export function lanApp(options: LanApiOptions): Hono {
  const app = new Hono();
  app.use('/coocenter-api/*', webkeyAuth({ webkey: options.webkey, now: options.now, timeZone: options.timeZone }));
  app.route('/coocenter-api', boxRoutes({ pbx: () => options.pbx, logger: options.logger }));
  app.notFound((c) => c.json({ status: 'error', message: 'not found' }, 404));
  return app;
}
