/**
 * A tenant's webhook endpoint: records every delivery with its headers and
 * raw body, and answers what the test scripts (status, Retry-After, delay).
 */
import http from 'node:http';
import type net from 'node:net';
import { waitFor } from './wait.js';

export interface Delivery {
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: any;
  at: number;
  /** The status it was answered with, once answered (a request held until its sender went away never is). */
  answered?: number;
}

export interface WebhookReceiver {
  url: string;
  deliveries: Delivery[];
  /** Decide the answer for each request (default 200, body `{}`). */
  respond: (d: Delivery, n: number) => { status: number; headers?: Record<string, string>; delayMs?: number; body?: string };
  waitForCount(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(path = '/hooks'): Promise<WebhookReceiver> {
  const sockets = new Set<net.Socket>();
  const r: WebhookReceiver = {
    url: '',
    deliveries: [],
    respond: () => ({ status: 200 }),
    waitForCount: (n, timeoutMs = 15_000) => waitFor(() => r.deliveries.length >= n, { timeoutMs, what: `${n} webhook deliveries (have ${r.deliveries.length})` }).then(() => undefined),
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const d: Delivery = { headers: req.headers, raw, body: JSON.parse(raw || 'null'), at: Date.now() };
      r.deliveries.push(d);
      const answer = r.respond(d, r.deliveries.length);
      const timer = setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(answer.status, answer.headers ?? {}).end(answer.body ?? '{}');
        d.answered = answer.status;
      }, answer.delayMs ?? 0);
      res.on('close', () => clearTimeout(timer));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  r.url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}${path}`;
  return r;
}
