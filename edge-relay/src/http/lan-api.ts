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

/** The LAN port could not be bound: says which address and why, in one line. */
export class ListenError extends Error {
  constructor(
    readonly code: string,
    readonly address: string,
    readonly port: number,
    reason: string,
    /** The api.conf settings that name this address. */
    readonly setting = '[general] BINDADDR, BINDPORT',
  ) {
    super(`cannot listen on ${address.includes(':') ? `[${address}]` : address}:${port}: ${reason}`);
    this.name = 'ListenError';
  }
}

const LISTEN_REASONS: Record<string, string> = {
  EADDRINUSE: 'the port is already in use',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'the address is not one of this host\'s',
};

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

/** Listen with @hono/node-server; resolves once the port is bound. `setting`: what names the address in api.conf. */
export function listen(app: Hono, port: number, hostname: string, setting?: string): Promise<RunningServer> {
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
    (server as unknown as NodeJS.EventEmitter).once('error', (err: NodeJS.ErrnoException) => {
      const reason = err.code && LISTEN_REASONS[err.code];
      reject(reason ? new ListenError(err.code!, hostname, port, reason, setting) : err);
    });
  });
}
