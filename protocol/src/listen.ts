/**
 * Serving HTTP on a port, for the relay's LAN API and the local cloud alike:
 * a port that cannot be bound becomes a ListenError that says which address
 * and why in one line, the line a user sees when a program cannot start.
 */

import type { Server } from 'node:http';
import net from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { httpServerOptions, httpTimeouts, type HttpTimeouts } from './http/timeouts.js';

const LISTEN_REASONS: Readonly<Record<string, string>> = {
  EADDRINUSE: 'the port is already in use',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: "the address is not one of this host's",
};

/** A port could not be bound: says which address and why, in one line. */
export class ListenError extends Error {
  /** The settings that name this address (`[metrics] listen`), when the caller knows them. */
  setting?: string;

  constructor(
    readonly code: string,
    readonly address: string,
    readonly port: number,
    reason: string,
  ) {
    super(`cannot listen on ${address.includes(':') ? `[${address}]` : address}:${port}: ${reason}`);
    this.name = 'ListenError';
  }
}

/** The ListenError for a bind failure we can explain; the error itself otherwise. */
export function listenError(err: NodeJS.ErrnoException, address: string, port: number): Error {
  const reason = err.code ? LISTEN_REASONS[err.code] : undefined;
  return reason ? new ListenError(err.code!, address, port, reason) : err;
}

export interface RunningServer {
  port: number;
  /** The Node server (for WebSocket upgrades). */
  server: Server;
  close(): Promise<void>;
}

/**
 * Serve `fetch` (a Hono app's) on address:port with our HTTP time limits
 * (http/timeouts.ts); resolves once the port is bound, rejects with a ListenError.
 */
export function listen(
  fetch: (request: Request) => Response | Promise<Response>,
  port: number,
  address: string,
  timeouts: Partial<HttpTimeouts> = {},
): Promise<RunningServer> {
  const server = createAdaptorServer({ fetch, serverOptions: httpServerOptions(httpTimeouts(timeouts)) }) as Server;
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(listenError(err, address, port)));
    server.listen(port, address, () => {
      resolve({
        port: (server.address() as net.AddressInfo).port,
        server,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

/** Whether address:port can be bound right now: undefined if so, else why not (a ListenError when we can say). */
export function portProblem(port: number, address: string): Promise<Error | undefined> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => resolve(listenError(err, address, port)));
    probe.listen({ port, host: address, exclusive: true }, () => probe.close(() => resolve(undefined)));
  });
}
