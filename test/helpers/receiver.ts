/**
 * A CRM's event receiver on the LAN: an HTTP server that records every JSON
 * body POSTed to it, and can be told to fail or to answer slowly.
 */
import http from 'node:http';
import type net from 'node:net';
import { waitFor } from './wait.js';

export interface Received {
  body: Record<string, unknown>;
  headers: http.IncomingHttpHeaders;
}

export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** POSTs answered with an error status (not in `received`). */
  refused: number;
  /** Answer every POST with this status (200 = healthy). */
  status: number;
  events(): Array<Record<string, unknown>>;
  waitForCount(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(port = 0): Promise<Receiver> {
  const received: Received[] = [];
  const sockets = new Set<net.Socket>();
  const r: Receiver = {
    url: '',
    port: 0,
    received,
    refused: 0,
    status: 200,
    events: () => received.map((x) => x.body),
    waitForCount: (n, timeoutMs = 10_000) => waitFor(() => received.length >= n, { timeoutMs, what: `${n} events at the receiver (have ${received.length})` }).then(() => undefined),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (r.status >= 200 && r.status < 300) {
        try {
          received.push({ body: JSON.parse(body), headers: req.headers });
        } catch {
          res.writeHead(400).end();
          return;
        }
      } else r.refused++;
      res.writeHead(r.status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  r.port = (server.address() as net.AddressInfo).port;
  r.url = `http://127.0.0.1:${r.port}/events`;
  return r;
}
