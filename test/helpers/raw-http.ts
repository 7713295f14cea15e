/**
 * HTTP requests exactly as written, over node:http: fetch would normalise a
 * path (`%2e%2e`) and insists on sending a whole body, while the hardening
 * tests need a body that stays open, a declared length that never comes, or a
 * client that vanishes halfway.
 */
import http from 'node:http';
import net from 'node:net';

export interface RawResponse {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

export interface OpenRequest {
  /** Send part of the body; the request stays open. */
  write(chunk: string | Buffer): void;
  /** Resolves once everything written so far has been handed to the socket. */
  readonly flushed: Promise<void>;
  /** The server's answer, whenever it comes (possibly before the body is done). */
  readonly response: Promise<RawResponse>;
  /** Resolves when the connection has closed, for whatever reason. */
  readonly closed: Promise<void>;
  /** End the body. */
  end(chunk?: string | Buffer): void;
  /** Drop the connection (a client that goes away). */
  destroy(): void;
}

/** `host` is `127.0.0.1:port`. Without a content-length the body is sent chunked. */
export function openRequest(host: string, opts: { method: string; path: string; headers?: Record<string, string> }): OpenRequest {
  const [hostname, port] = host.split(':');
  const req = http.request({ host: hostname, port: Number(port), method: opts.method, path: opts.path, headers: opts.headers, agent: false });
  let flushed: Promise<void> = Promise.resolve();
  const response = new Promise<RawResponse>((resolve, reject) => {
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
  });
  response.catch(() => undefined);
  const closed = new Promise<void>((resolve) => req.on('close', () => resolve()));
  req.flushHeaders();
  return {
    write(chunk) {
      flushed = new Promise<void>((resolve) => req.write(chunk, () => resolve()));
    },
    get flushed() {
      return flushed;
    },
    response,
    closed,
    end: (chunk) => void req.end(chunk),
    destroy: () => void req.destroy(),
  };
}

/** One whole request, path sent as written. */
export async function rawRequest(host: string, opts: { method: string; path: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<RawResponse> {
  const req = openRequest(host, opts);
  req.end(opts.body);
  return req.response;
}

/** Send the start of a request head that never completes; resolves with what the server wrote before closing. */
export function incompleteHead(host: string, head: string): Promise<string> {
  const [hostname, port] = host.split(':');
  const sock = net.connect({ host: hostname, port: Number(port) });
  sock.write(head);
  return new Promise<string>((resolve) => {
    let text = '';
    sock.on('data', (d) => (text += d.toString('latin1')));
    sock.on('close', () => resolve(text));
  });
}
