/**
 * The relay standing in for the old box on the LAN: the box API at
 * `/coocenter-api/...` on BINDPORT, with the box's WEBKEY authentication.
 */

import { serve, type ServerType } from '@hono/node-server';
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

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

/** Listen with @hono/node-server; resolves once the port is bound. */
export function listen(app: Hono, port: number, hostname: string): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    let server: ServerType | undefined = undefined;
    server = serve({ fetch: app.fetch, port, hostname }, (info) => {
      resolve({
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            const s = server as unknown as { close(cb: () => void): void; closeAllConnections?: () => void };
            s.close(() => done());
            s.closeAllConnections?.();
          }),
      });
    });
    (server as unknown as NodeJS.EventEmitter).once('error', reject);
  });
}
