/**
 * The HTTP servers' time limits, set on purpose on both servers (the relay's
 * LAN API and the local cloud) rather than left at Node's defaults, under
 * which a client may take 300 s to send one request. A request's headers and
 * body are small (README "Limits"), so a client that has not sent them
 * within these times is slow on purpose, or gone: it gets 408 and its
 * connection is closed. Answers are not covered: a command may wait for the
 * PBX, a CSV export may stream for minutes.
 */

import type { ServerOptions } from 'node:http';

export interface HttpTimeouts {
  /** The request line and headers must arrive within this (Node: 60 s). */
  headersMs: number;
  /** The whole request, headers and body, must arrive within this (Node: 300 s). */
  requestMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveMs: number;
  /** How often Node looks for requests over their time (Node: 30 s, which would stretch the limits above by that much). */
  checkEveryMs: number;
}

export const HTTP_TIMEOUTS: Readonly<HttpTimeouts> = {
  headersMs: 10_000,
  requestMs: 30_000,
  keepAliveMs: 5_000,
  checkEveryMs: 1_000,
};

/** Largest request head (request line and headers) either server reads: Node's default, stated. */
export const MAX_HEADER_BYTES = 16 * 1024;

export function httpTimeouts(overrides: Partial<HttpTimeouts> = {}): HttpTimeouts {
  return { ...HTTP_TIMEOUTS, ...overrides };
}

/** Options for http.createServer (through @hono/node-server's `serverOptions`). */
export function httpServerOptions(t: HttpTimeouts): ServerOptions {
  return {
    headersTimeout: t.headersMs,
    requestTimeout: t.requestMs,
    keepAliveTimeout: t.keepAliveMs,
    connectionsCheckingInterval: t.checkEveryMs,
    maxHeaderSize: MAX_HEADER_BYTES,
  };
}

